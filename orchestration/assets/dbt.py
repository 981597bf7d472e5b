"""Every dbt model, seed and test, as assets downstream of the raw loaders."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.assets.raw import WRITER_POOL
from orchestration.project import dbt_project


class HourglassTranslator(DagsterDbtTranslator):
    """Groups assets by their layer folder (staging, intermediate, marts, seeds)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else None


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=HourglassTranslator(),
    pool=WRITER_POOL,
)
def hourglass_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()
