"""Publish the marts to the file BI tools open, once every blocking check passed and
the pictures are written (they read the working database that publishing writes to)."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from hourglass.publish import publish
from hourglass.run_history import record_run, set_status
from orchestration.assets.dbt import MART_KEYS
from orchestration.assets.growth_reports import growth_report
from orchestration.assets.reports import funnel_hourglass
from orchestration.bookkeeping import record_metadata, run_record
from orchestration.project import dbt_project
from orchestration.resources import WRITER_POOL, WorkingDatabase


@asset(
    key=["published", "warehouse"],
    group_name="publish",
    kinds={"duckdb"},
    deps=[*MART_KEYS, funnel_hourglass.key, growth_report.key],
    pool=WRITER_POOL,
    description=(
        "The marts published to HOURGLASS_PUBLISHED_PATH in one atomic step, readable by "
        "DuckDB 1.x clients, with the run history. Runs only when every blocking check passed."
    ),
)
def published_warehouse(
    context: AssetExecutionContext, work_db: WorkingDatabase
) -> MaterializeResult:
    settings = work_db.settings
    # "publishing" until the swap succeeds: a run killed mid-publish does not claim it
    with work_db.connect() as con:
        record = run_record(
            con, context.instance, context.run.run_id, context.run.job_name, "publishing"
        )
        record.as_of_date = str(
            con.execute("select as_of_date from intermediate.int_reporting_period").fetchall()[0][0]
        )
        record_run(con, record)
    try:
        result = publish(
            settings.work_path,
            settings.published_path,
            version=record.run_id,
            manifest_path=dbt_project.manifest_path,
            storage_version=settings.published_storage_version,
        )
    except BaseException:
        with work_db.connect() as con:
            set_status(con, record.run_id, "publish_failed")
        raise
    with work_db.connect() as con:
        set_status(con, record.run_id, "published")
    context.log.info(f"published {len(result.tables)} marts to {result.path}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(result.path)),
            "version": result.version,
            "as_of_date": str(result.as_of_date),
            "tables": MetadataValue.json(result.tables),
            **record_metadata(record),
        }
    )
