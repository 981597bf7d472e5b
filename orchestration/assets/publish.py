"""Publish the marts to the file BI tools open, once every blocking check passed."""

import duckdb
from dagster import (
    AssetExecutionContext,
    DagsterEventType,
    DagsterInstance,
    MaterializeResult,
    MetadataValue,
    asset,
)

from hourglass import settings
from hourglass.publish import publish
from hourglass.run_history import RunRecord, load_stats, record_run, set_status
from orchestration.assets.dbt import hourglass_dbt_assets
from orchestration.assets.raw import WRITER_POOL
from orchestration.assets.reports import funnel_hourglass
from orchestration.project import dbt_project

MART_KEYS = sorted(
    (key for key in hourglass_dbt_assets.keys if key.path[0] == "marts"),
    key=lambda key: key.to_user_string(),
)


def run_record(instance: DagsterInstance, run_id: str, job_name: str, status: str) -> RunRecord:
    """What a run did, from the loader manifest and Dagster's event log."""
    with duckdb.connect(str(settings.work_path()), read_only=True) as con:
        sources = load_stats(con, run_id)
    materialized = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
    ).records
    evaluations = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    passed = [
        record.event_log_entry.dagster_event.event_specific_data.passed for record in evaluations
    ]
    dbt_keys = set(hourglass_dbt_assets.keys)
    steps = instance.get_run_step_stats(run_id)
    return RunRecord(
        run_id=run_id,
        job_name=job_name,
        started_at=min((s.start_time for s in steps if s.start_time), default=None),
        status=status,
        rows_read=sum(s["rows_read"] for s in sources.values()),
        rows_loaded=sum(s["rows_loaded"] for s in sources.values()),
        rows_rejected=sum(s["rows_rejected"] for s in sources.values()),
        files_loaded=sum(s["files_loaded"] for s in sources.values()),
        files_rejected=sum(s["files_rejected"] for s in sources.values()),
        models_built=sum(
            1 for r in materialized if r.event_log_entry.dagster_event.asset_key in dbt_keys
        ),
        checks_passed=sum(passed),
        checks_failed=len(passed) - sum(passed),
        published_version=run_id if status == "publishing" else None,
        sources=sources,
        step_seconds={
            s.step_key: round(s.end_time - s.start_time, 3)
            for s in steps
            if s.start_time and s.end_time
        },
    )


@asset(
    key=["published", "warehouse"],
    group_name="publish",
    kinds={"duckdb"},
    deps=[*MART_KEYS, funnel_hourglass.key],
    pool=WRITER_POOL,
    description=(
        "The marts published to HOURGLASS_WAREHOUSE_PATH in one atomic step, readable by "
        "DuckDB 1.x clients, with the run history. Runs only when every blocking check passed."
    ),
)
def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    # "publishing" until the swap succeeds: a run killed mid-publish does not claim it
    record = run_record(context.instance, context.run.run_id, context.run.job_name, "publishing")
    with duckdb.connect(str(settings.work_path())) as con:
        record.as_of_date = str(
            con.execute("select as_of_date from intermediate.int_reporting_period").fetchall()[0][0]
        )
        record_run(con, record)
    try:
        result = publish(
            settings.work_path(),
            settings.warehouse_path(),
            version=record.run_id,
            manifest_path=dbt_project.manifest_path,
            storage_version=settings.published_storage_version(),
        )
    except BaseException:
        with duckdb.connect(str(settings.work_path())) as con:
            set_status(con, record.run_id, "publish_failed")
        raise
    with duckdb.connect(str(settings.work_path())) as con:
        set_status(con, record.run_id, "published")
    context.log.info(f"published {len(result.tables)} marts to {result.path}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(result.path)),
            "version": result.version,
            "as_of_date": str(result.as_of_date),
            "tables": MetadataValue.json(result.tables),
            "rows_loaded": record.rows_loaded,
            "rows_rejected": record.rows_rejected,
            "models_built": record.models_built,
            "checks_failed": record.checks_failed,
            "step_seconds": MetadataValue.json(record.step_seconds),
        }
    )
