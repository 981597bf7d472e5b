"""One asset per landing source (new and changed files into raw.<source>), all
loaded and checked in one step."""

from dagster import (
    AssetExecutionContext,
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
from orchestration.checks import check_specs, source_checks
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


def load_source(
    context: AssetExecutionContext, loader: Loader, name: str
) -> tuple[dict, str | None]:
    """Load one source into the working database; return the load's metadata and
    why the run must stop (None when it may go on). Whether the rejects are
    acceptable is the reject_rate check's call.

    The run stops, before anything can be published, when a required source
    has no accepted file, or when the working database holds no request."""
    landing, con = loader.landing_dir, loader.con
    result = loader.load_source(name)
    metadata = _metadata(result)
    if result.missing:
        context.log.warning(f"source {name} is absent from {landing}")
    for f in result.files:
        if f.status == "rejected":
            context.log.error(f"rejected file {f.error}")
        elif f.rows_rejected:
            context.log.warning(f"{f.file}: {f.rows_rejected} of {f.rows_read} rows rejected")
    if SOURCES[name].required and not result.files:
        return metadata, f"required source {name} has no landing files in {landing / name}"
    if name == "api_logs" and not con.execute("select count(*) from raw.api_logs").fetchall()[0][0]:
        return metadata, f"no requests: raw.api_logs is empty after loading {landing / name}"
    return metadata, None


# The request days each api_logs load touched: what incremental dbt models rebuild.
CHANGED_DAYS = AssetSpec(
    ["raw", "changed_days"],
    group_name="raw",
    kinds={"duckdb"},
    description="UTC days each load added or removed rows on (raw.changed_days).",
)


def _raw_spec(name: str) -> AssetSpec:
    source = SOURCES[name]
    return AssetSpec(
        ["raw", name],
        group_name="raw",
        kinds={"duckdb"},
        description=(
            f"Landing files of `{name}` ({'required' if source.required else 'optional'}) "
            f"loaded into raw.{name}; bad rows into raw.rejects."
        ),
    )


# One step loads every source and checks it: a step costs Dagster start-up and
# bookkeeping whatever it does, and loads share one writer anyway.
@multi_asset(
    name="load_sources",
    specs=[*(_raw_spec(name) for name in SOURCES), CHANGED_DAYS],
    check_specs=[spec for name in SOURCES for spec in check_specs(name)],
    pool=WRITER_POOL,
)
def load_sources(context: AssetExecutionContext, work_db: WorkingDatabase):
    """Each source's load, then its checks; a source that stops the run fails
    the step after every source is loaded and checked."""
    stops = []
    settings = work_db.settings
    with work_db.connect() as con:
        loader = Loader(
            con,
            settings.landing_dir,
            batch_id=context.run.run_id,
            allowed={"subscriptions": {"plan_id": plan_ids(con)}},
            **settings.duckdb_config,  # dbt's limits (the session has them already)
        )
        for name in SOURCES:
            metadata, stop = load_source(context, loader, name)
            if settings.engine == "spark":  # Spark reads the validated rows as Parquet
                export_raw(con, settings.raw_parquet_dir, (name, *LOADER_TABLES))
            stops += [stop] if stop else []
            yield MaterializeResult(asset_key=["raw", name], metadata=metadata)
            if name == "api_logs":
                yield MaterializeResult(asset_key=CHANGED_DAYS.key)
            yield from source_checks(con, name, context.run.run_id, settings)
    if stops:
        raise Failure("; ".join(stops))


raw_assets = [load_sources]
