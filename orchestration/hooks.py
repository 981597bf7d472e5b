"""Record a failed run in ops.run_history, from inside the run (the one writer)."""

import duckdb
from dagster import HookContext, failure_hook

from hourglass import settings
from hourglass.run_history import record_run
from orchestration.assets.publish import run_record


@failure_hook
def record_failed_run(context: HookContext) -> None:
    """A failed step (a blocking check, a loader, dbt) marks the run failed, with
    what it loaded so far; nothing was published, so the last version stays."""
    if not settings.work_path().exists():
        return
    record = run_record(
        context.instance, context.run_id, context.job_name, f"failed: {context.step_key}"
    )
    with duckdb.connect(str(settings.work_path())) as con:
        record_run(con, record)
