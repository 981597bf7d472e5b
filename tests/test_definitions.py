"""The Dagster code location loads and wires landing files to marts."""

from __future__ import annotations

from dagster import AssetKey


def test_definitions_load_with_the_nightly_job(dbt_manifest):
    from orchestration.definitions import defs

    job = defs.resolve_job_def("nightly")
    assert job.name == "nightly"
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {f"raw/{s}" for s in ("signups", "api_logs", "subscriptions")} <= keys
    # asset keys mirror the warehouse's schemas
    assert {
        "marts/dim_accounts",
        "marts/fct_api_usage_daily",
        "staging/stg_gateway__requests",
        "seeds/plans",
    } <= keys


def test_staging_models_depend_on_their_raw_loader(dbt_manifest):
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = graph.get(AssetKey(["staging", "stg_gateway__requests"])).parent_keys
    assert AssetKey(["raw", "api_logs"]) in parents
    marts = graph.get(AssetKey(["marts", "fct_api_usage_daily"]))
    assert marts.group_name == "marts"
