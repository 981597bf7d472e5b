"""Every dbt model, seed and test, as assets downstream of the raw loaders."""

import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, Config
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from hourglass.settings import Settings
from orchestration.project import dbt_project
from orchestration.resources import WRITER_POOL, LocalDbtCliResource


class HourglassTranslator(DagsterDbtTranslator):
    """Groups assets by their layer folder (staging, intermediate, marts), seeds and snapshots."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("seed", "snapshot"):
            return f"{dbt_resource_props['resource_type']}s"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else None


class BuildConfig(Config):
    """rebuild_from/rebuild_to: also rebuild these request days (inclusive,
    YYYY-MM-DD), as a backfill does. full_tests: test every row of the models
    incremental by day, not only the days this build rebuilt (the weekly run)."""

    rebuild_from: str | None = None
    rebuild_to: str | None = None
    full_tests: bool = False


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=HourglassTranslator(),
    pool=WRITER_POOL,
)
def hourglass_dbt_assets(
    context: AssetExecutionContext, dbt: LocalDbtCliResource, config: BuildConfig
):
    # unit tests check the SQL, not the data: CI runs them, nightly runs need not
    args = ["build", "--exclude-resource-type", "unit_test"]
    variables: dict[str, Any] = {}
    if config.rebuild_from and config.rebuild_to:
        variables |= {"rebuild_from": config.rebuild_from, "rebuild_to": config.rebuild_to}
    if config.full_tests:
        variables["full_tests"] = True
    if variables:
        args += ["--vars", json.dumps(variables)]
    # One target folder per job (and test scope) instead of dagster-dbt's new one
    # per run: dbt keeps its partial parse there for the next such run to re-parse
    # only what changed (runs never overlap: one writer).
    folder = context.run.job_name + ("-full_tests" if config.full_tests else "")
    target = dbt_project.target_path / "runs" / folder
    # The snapshot of the monthly bills stamps each new version with this run. An
    # environment variable, not a var: a changed --vars makes dbt parse the whole
    # project, a changed env_var() only the files that read it.
    run = {"HOURGLASS_RUN_ID": context.run.run_id}
    # Spark resolves a relative table location against its warehouse, not here
    run["HOURGLASS_RAW_PARQUET_DIR"] = str(Settings.from_env().raw_parquet_dir)
    yield from dbt.cli(args, context=context, target_path=target, env=run).stream()


# What BI reads: the published file's tables on DuckDB, the `marts` schema on Spark.
MART_KEYS = sorted(
    (key for key in hourglass_dbt_assets.keys if key.path[0] == "marts"),
    key=lambda key: key.to_user_string(),
)
