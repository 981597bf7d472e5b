"""Record a failed run in ops.run_history, from inside the run (the one writer),
and alert it."""

from dagster import Failure, HookContext, failure_hook

from hourglass.alerts import copy_log_to_published, deliver, failed_run_payload, load_config
from hourglass.run_history import record_run
from orchestration.bookkeeping import failed_blocking_checks, run_record


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
                # the loading step fails for its blocking checks: name them
                "failed: "
                + (
                    ", ".join(failed_blocking_checks(context.instance, context.run_id))
                    or context.step_key
                ),
            )
            record_run(con, record)
            if work_db.settings.alerts_config is not None:
                _alert(context, con)
    except Failure:  # the working database belongs to another published file: leave it
        return


def _alert(context: HookContext, con) -> None:
    """The failed run's alert (once per run, whichever steps fail); never raises."""
    try:
        config = load_config(context.resources.work_db.settings.alerts_config)
        payload = failed_run_payload(context.run_id, context.job_name, context.step_key)
        deliver(con, config, context.run_id, failed_run=payload)
        copy_log_to_published(con, context.resources.work_db.settings.published_path)
    except Exception as error:  # the run already failed; the next run retries
        context.log.error(f"failed-run alert not delivered: {error}")
