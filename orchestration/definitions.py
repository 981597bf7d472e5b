"""Assembles the code location; the logic lives in the modules it imports."""

from dagster import Definitions, in_process_executor

from orchestration.assets.dbt import hourglass_dbt_assets
from orchestration.assets.raw import raw_assets
from orchestration.assets.reports import funnel_hourglass
from orchestration.jobs import nightly_job
from orchestration.resources import dbt_resource

defs = Definitions(
    assets=[*raw_assets, hourglass_dbt_assets, funnel_hourglass],
    jobs=[nightly_job],
    resources={"dbt": dbt_resource},
    # One process writes the DuckDB file at a time: steps run one after another.
    executor=in_process_executor,
)
