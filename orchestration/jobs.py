"""Jobs are asset selections."""

from dagster import AssetSelection, define_asset_job

# Landing files to marts: every asset of the code location.
nightly_job = define_asset_job(
    "nightly",
    selection=AssetSelection.all(),
    description="Load new landing files, then build, test and document every dbt model.",
)
