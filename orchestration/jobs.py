"""Jobs are asset selections."""

from dagster import AssetSelection, define_asset_job

from orchestration.hooks import record_failed_run
from orchestration.resources import WRITER_TAGS

# Landing files to the published file: every asset of the code location.
nightly_job = define_asset_job(
    "nightly",
    selection=AssetSelection.all(),
    tags=WRITER_TAGS,
    hooks={record_failed_run},
    description="Load new landing files, build and test every dbt model, publish the marts.",
)

# A backfill: rebuild the request days rebuild_from..rebuild_to (run config of the
# dbt step), then everything downstream, and publish. No loading.
rebuild_days_job = define_asset_job(
    "rebuild_days",
    selection=AssetSelection.all() - AssetSelection.groups("raw"),
    tags=WRITER_TAGS,
    hooks={record_failed_run},
    description="Rebuild a date range of request days and publish (set rebuild_from/rebuild_to).",
)
