"""One asset per landing source: load its new and changed files into raw.<source>."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableRecord,
    TableSchema,
    multi_asset,
)

from hourglass.contract import SOURCES
from hourglass.loading import Loader, SourceResult, plan_ids
from hourglass.raw_export import LOADER_TABLES, export_raw
from orchestration.resources import WRITER_POOL, WorkingDatabase

_FILES_SCHEMA = TableSchema(
    columns=[
        TableColumn("file", "string"),
        TableColumn("status", "string"),
        TableColumn("rows_read", "int"),
        TableColumn("rows_loaded", "int"),
        TableColumn("rows_rejected", "int"),
        TableColumn("error", "string"),
    ]
)


def _metadata(result: SourceResult) -> dict:
    files = [
        TableRecord(
            {
                "file": f.file,
                "status": f.status,
                "rows_read": f.rows_read,
                "rows_loaded": f.rows_loaded,
                "rows_rejected": f.rows_rejected,
                "error": f.error or "",
            }
        )
        for f in result.files
        if f.status != "unchanged"
    ]
    return {
        "source_missing": result.missing,
        "files_seen": len(result.files),
        "files_loaded": sum(1 for f in result.files if f.status in ("loaded", "replaced")),
        "files_unchanged": sum(1 for f in result.files if f.status == "unchanged"),
        "files_rejected": result.files_rejected,
        "files_ignored": MetadataValue.json(result.ignored),
        "rows_read": result.total("rows_read"),
        "rows_loaded": result.total("rows_loaded"),
        "rows_rejected": result.total("rows_rejected"),
        "reject_share": result.reject_share,
        "files": MetadataValue.table(files, schema=_FILES_SCHEMA),
    }


def load_source(context: AssetExecutionContext, work_db: WorkingDatabase, name: str) -> dict:
    """Load one source into the working database; return the load's metadata.
    Whether the rejects are acceptable is the reject_rate check's call.

    Raises Failure, before anything can be published, when a required source
    has no accepted file, or when the working database holds no request."""
    landing = work_db.settings.landing_dir
    with work_db.connect() as con:
        loader = Loader(
            con,
            landing,
            batch_id=context.run.run_id,
            allowed={"subscriptions": {"plan_id": plan_ids(con)}},
            **work_db.settings.duckdb_config,  # dbt's limits (the session has them already)
        )
        result = loader.load_source(name)
        if work_db.settings.engine == "spark":  # Spark reads the validated rows as Parquet
            export_raw(con, work_db.settings.raw_parquet_dir, (name, *LOADER_TABLES))
        requests = (
            con.execute("select count(*) from raw.api_logs").fetchall()[0][0]
            if name == "api_logs"
            else None
        )
    if SOURCES[name].required and not result.files:
        raise Failure(f"required source {name} has no landing files in {landing / name}")
    if requests == 0:
        raise Failure(f"no requests: raw.api_logs is empty after loading {landing / name}")
    metadata = _metadata(result)
    if result.missing:
        context.log.warning(f"source {name} is absent from {landing}")
    for f in result.files:
        if f.status == "rejected":
            context.log.error(f"rejected file {f.error}")
        elif f.rows_rejected:
            context.log.warning(f"{f.file}: {f.rows_rejected} of {f.rows_read} rows rejected")
    return metadata


# The request days each api_logs load touched: what incremental dbt models rebuild.
CHANGED_DAYS = AssetSpec(
    ["raw", "changed_days"],
    group_name="raw",
    kinds={"duckdb"},
    description="UTC days each load added or removed rows on (raw.changed_days).",
)


def _raw_asset(name: str) -> AssetsDefinition:
    source = SOURCES[name]
    spec = AssetSpec(
        ["raw", name],
        group_name="raw",
        kinds={"duckdb"},
        description=(
            f"Landing files of `{name}` ({'required' if source.required else 'optional'}) "
            f"loaded into raw.{name}; bad rows into raw.rejects."
        ),
    )
    specs = [spec, CHANGED_DAYS] if name == "api_logs" else [spec]

    @multi_asset(name=f"load_{name}", specs=specs, pool=WRITER_POOL)
    def _load(context: AssetExecutionContext, work_db: WorkingDatabase):
        result = load_source(context, work_db, name)
        yield MaterializeResult(asset_key=spec.key, metadata=result)
        if name == "api_logs":
            yield MaterializeResult(asset_key=CHANGED_DAYS.key)

    return _load


raw_assets = [_raw_asset(name) for name in SOURCES]
