"""Every dbt model, seed and test, as assets downstream of the raw loaders."""

import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, Config
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import dbt_project
from orchestration.resources import WRITER_POOL


class HourglassTranslator(DagsterDbtTranslator):
    """Groups assets by their layer folder (staging, intermediate, marts), seeds and snapshots."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("seed", "snapshot"):
            return f"{dbt_resource_props['resource_type']}s"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else None


class BuildConfig(Config):
    """Also rebuild these request days (inclusive, YYYY-MM-DD), as a backfill does."""

    rebuild_from: str | None = None
    rebuild_to: str | None = None


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=HourglassTranslator(),
    pool=WRITER_POOL,
)
def hourglass_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, config: BuildConfig):
    # unit tests check the SQL, not the data: CI runs them, nightly runs need not
    args = ["build", "--exclude-resource-type", "unit_test"]
    # the snapshot of the monthly bills stamps each new version with this run
    variables = {"published_version": context.run.run_id}
    if config.rebuild_from and config.rebuild_to:
        variables |= {"rebuild_from": config.rebuild_from, "rebuild_to": config.rebuild_to}
    args += ["--vars", json.dumps(variables)]
    yield from dbt.cli(args, context=context).stream()
