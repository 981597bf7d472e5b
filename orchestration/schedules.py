"""When the nightly job runs: 02:00 UTC unless HOURGLASS_NIGHTLY_CRON says otherwise.
The run of the night to Monday (scheduled on a Sunday UTC) tests every row; the
other nights test only the days they rebuilt (see macros/incremental.sql)."""

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    schedule,
)

from hourglass.settings import Settings
from orchestration.jobs import nightly_job

FULL_TESTS_WEEKDAY = 6  # Sunday (Monday is 0)
FULL_TESTS_CONFIG = {"ops": {"hourglass_dbt_assets": {"config": {"full_tests": True}}}}


@schedule(
    name="nightly_schedule",
    job=nightly_job,
    cron_schedule=Settings.from_env().nightly_cron,
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "Load what landed, build, check and publish, every night; on Sundays every "
        "data test checks every row, on other nights only the rebuilt days."
    ),
)
def nightly_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    weekly = context.scheduled_execution_time.weekday() == FULL_TESTS_WEEKDAY
    return RunRequest(run_config=FULL_TESTS_CONFIG if weekly else {})
