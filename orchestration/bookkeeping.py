"""What a run did, from the loader manifest and Dagster's event log, written to
ops.run_history by the publish asset (published) and the failure hook (failed)."""

import duckdb
from dagster import AssetCheckSeverity, DagsterEventType, DagsterInstance, MetadataValue

from hourglass.run_history import RunRecord, load_stats
from orchestration.assets.dbt import hourglass_dbt_assets


def check_results(instance: DagsterInstance, run_id: str) -> dict[str, dict[str, int]]:
    """Check evaluations of a run by name: {name: {passed, warned, failed}}. The
    loader checks keep their names; every dbt test counts under "dbt tests"."""
    dbt_keys = set(hourglass_dbt_assets.keys)
    results: dict[str, dict[str, int]] = {}
    for record in instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        key = evaluation.asset_check_key
        name = "dbt tests" if key.asset_key in dbt_keys else key.name
        if evaluation.passed:
            outcome = "passed"
        elif evaluation.severity == AssetCheckSeverity.WARN:
            outcome = "warned"
        else:
            outcome = "failed"
        counts = results.setdefault(name, {"passed": 0, "warned": 0, "failed": 0})
        counts[outcome] += 1
    return dict(sorted(results.items()))


def failed_blocking_checks(instance: DagsterInstance, run_id: str) -> list[str]:
    """The run's blocking checks that failed, as `<asset>_<check>` (raw__api_logs_reject_rate):
    what stopped a step that evaluates several checks."""
    failed = []
    for record in instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if (
            evaluation.blocking
            and not evaluation.passed
            and evaluation.severity == AssetCheckSeverity.ERROR
        ):
            key = evaluation.asset_check_key
            failed.append(f"{key.asset_key.to_python_identifier()}_{key.name}")
    return failed


def run_record(
    con: duckdb.DuckDBPyConnection,
    instance: DagsterInstance,
    run_id: str,
    job_name: str,
    status: str,
) -> RunRecord:
    """The run's record: files and rows per source from `con` (the working
    database), models built, checks and step durations from Dagster."""
    sources = load_stats(con, run_id)
    materialized = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
    ).records
    checks = check_results(instance, run_id)
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
        checks_passed=sum(c["passed"] for c in checks.values()),
        checks_failed=sum(c["warned"] + c["failed"] for c in checks.values()),
        published_version=run_id if status == "publishing" else None,
        sources=sources,
        step_seconds={
            s.step_key: round(s.end_time - s.start_time, 3)
            for s in steps
            if s.start_time and s.end_time
        },
        checks=checks,
    )


def record_metadata(record: RunRecord) -> dict:
    """What the step that records the run shows in Dagster: rows, models, checks
    and step durations of its ops.run_history row."""
    return {
        "rows_loaded": record.rows_loaded,
        "rows_rejected": record.rows_rejected,
        "models_built": record.models_built,
        "checks_failed": record.checks_failed,
        "checks": MetadataValue.json(record.checks),
        "step_seconds": MetadataValue.json(record.step_seconds),
    }
