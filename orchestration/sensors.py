"""Run the nightly job when new or changed files land, between scheduled runs."""

import hashlib
from pathlib import Path

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from hourglass.contract import SOURCES
from hourglass.loading import discover_files
from hourglass.settings import Settings
from orchestration.jobs import nightly_job


def landing_fingerprint(landing: Path) -> str:
    """A digest of every accepted landing file's path, size and modification time."""
    digest = hashlib.sha256()
    for source in SOURCES:
        for relative in discover_files(landing, source)[0]:
            stat = (landing / relative).stat()
            digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@sensor(
    job=nightly_job,
    minimum_interval_seconds=300,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts the nightly job when the landing zone changed (reads file listings only).",
)
def landing_files_sensor(context: SensorEvaluationContext):
    fingerprint = landing_fingerprint(Settings.from_env().landing_dir)
    if fingerprint == context.cursor:
        return SkipReason("no new or changed landing files")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
