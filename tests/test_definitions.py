"""The Dagster code location loads and wires landing files to marts."""

from __future__ import annotations

import datetime as dt

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


def test_nightly_schedule_runs_at_two_utc_by_default(dbt_manifest):
    from orchestration.definitions import defs

    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "UTC")
    assert schedule.job_name == "nightly"


def test_the_sunday_night_run_tests_every_row(dbt_manifest):
    from dagster import build_schedule_context

    from orchestration.schedules import nightly_schedule

    def run_config(day: int) -> dict:
        when = dt.datetime(2026, 11, day, 2, tzinfo=dt.UTC)
        return nightly_schedule(build_schedule_context(scheduled_execution_time=when)).run_config

    # 2026-11-29 is a Sunday
    full = {"ops": {"hourglass_dbt_assets": {"config": {"full_tests": True}}}}
    assert [run_config(day) for day in (28, 29, 30)] == [{}, full, {}]


def test_landing_sensor_requests_a_run_only_when_files_change(dbt_manifest, tmp_path, monkeypatch):
    from dagster import DagsterInstance, SkipReason, build_sensor_context

    from orchestration.sensors import landing_files_sensor

    monkeypatch.setenv("HOURGLASS_LANDING_DIR", str(tmp_path))
    (tmp_path / "api_logs").mkdir()
    (tmp_path / "api_logs" / "a.csv").write_text("request_id\n")
    with DagsterInstance.ephemeral() as instance:
        first = landing_files_sensor(build_sensor_context(instance=instance))
        cursor = first.run_key
        again = landing_files_sensor(build_sensor_context(instance=instance, cursor=cursor))
        (tmp_path / "api_logs" / "b.jsonl").write_text("{}\n")
        (tmp_path / "api_logs" / "notes.txt").write_text("ignored")
        changed = landing_files_sensor(build_sensor_context(instance=instance, cursor=cursor))
    assert first.run_key and isinstance(again, SkipReason)
    assert changed.run_key not in (None, cursor)
