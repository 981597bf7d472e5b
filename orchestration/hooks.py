"""Record a failed run in ops.run_history, from inside the run (the one writer)."""

from dagster import Failure, HookContext, failure_hook

from hourglass.run_history import record_run
from orchestration.bookkeeping import run_record


@failure_hook(required_resource_keys={"work_db"})
def record_failed_run(context: HookContext) -> None:
    """A failed step (a blocking check, a loader, dbt) marks the run failed, with
    what it loaded so far; nothing was published, so the last version stays."""
    work_db = context.resources.work_db
    if not work_db.settings.work_path.exists():
        return
    try:
        with work_db.connect() as con:
            record = run_record(
                con,
                context.instance,
                context.run_id,
                context.job_name,
                f"failed: {context.step_key}",
            )
            record_run(con, record)
    except Failure:  # the working database belongs to another published file: leave it
        return
