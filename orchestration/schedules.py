"""When the nightly job runs: 02:00 UTC unless HOURGLASS_NIGHTLY_CRON says otherwise."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from hourglass.settings import Settings
from orchestration.jobs import nightly_job

nightly_schedule = ScheduleDefinition(
    name="nightly_schedule",
    job=nightly_job,
    cron_schedule=Settings.from_env().nightly_cron,
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Load what landed, build, check and publish, every night.",
)
