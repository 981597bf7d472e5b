"""The nightly job end to end: landing files to tested marts."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from conftest import Landing, run_nightly_in_process

from hourglass.cli import run_nightly


def _handmade_landing(root) -> None:
    landing = Landing(root)
    landing.csv(
        "signups/2026-11.csv",
        "developer_id,account_id,signed_up_at,email,plan_id,acquisition_channel,country\n"
        "d1,acc_a,2026-11-18T09:00:00Z,d1@example.com,developer,Docs,us\n"
        "d2,acc_a,2026-11-19T09:00:00Z,d2@example.com,,,\n"
        "d1,acc_a,2026-11-19T12:00:00Z,d1@example.com,free,blog,us\n"  # later repeat: ignored
        "d3,acc_b,2026-11-19T08:00:00+01:00,,,github,de\n",
    )
    landing.jsonl(
        "applications/apps.jsonl",
        [
            {"app_id": "app1", "developer_id": "d1", "created_at": "2026-11-18T10:00:00Z"},
            {"app_id": "app2", "developer_id": "d3", "created_at": "2026-11-19T09:00:00Z"},
        ],
    )
    header = "request_id,requested_at,app_id,environment,method,path,status_code,latency_ms"
    landing.csv(
        "api_logs/date=2026-11-19/a.csv",
        f"{header}\n"
        "r1,2026-11-19T10:00:00Z,app1,sandbox,GET,/v1/hello,200,10\n"
        "r2,2026-11-19T12:00:00Z,app1,production,POST,/v1/payments,201,30\n"
        # 23:30 at -02:00 is 01:30 UTC on the 20th
        "r3,2026-11-19T23:30:00-02:00,app1,production,GET,/v1/customers/5?expand=x,500,50\n"
        "r4,2026-11-19T13:00:00Z,app_unknown,production,GET,/v1/hello,200,20\n",
    )
    landing.jsonl(
        "api_logs/date=2026-11-20/late.jsonl",
        [
            # a repeat of r2 (at-least-once shipping) counts once
            {
                "request_id": "r2",
                "requested_at": "2026-11-19T12:00:00Z",
                "app_id": "app1",
                "environment": "production",
                "method": "POST",
                "path": "/v1/payments",
                "status_code": 201,
                "latency_ms": 30,
            },
            {
                "request_id": "r5",
                "requested_at": "2026-11-20T08:00:00Z",
                "app_id": "app2",
                "environment": "production",
                "method": "GET",
                "path": "/v2/labs/9",
                "status_code": 404,
                "latency_ms": 70,
                "request_bytes": 100,
                "response_bytes": 900,
            },
        ],
    )
    landing.csv(
        "support_tickets/export.csv",
        "ticket_id,account_id,created_at,updated_at,status\n"
        "t1,acc_a,2026-11-19T10:00:00Z,2026-11-19T10:00:00Z,new\n"
        "t1,acc_a,2026-11-19T10:00:00Z,2026-11-20T10:00:00Z,solved\n",
    )
    landing.csv(
        "subscriptions/plans.csv",
        "account_id,plan_id,effective_at\nacc_b,payg,2026-11-20T00:00:00Z\n",
    )


def test_nightly_job_builds_marts_with_hand_computed_figures(dbt_manifest, warehouse_env):
    landing_dir, warehouse = warehouse_env
    _handmade_landing(landing_dir)

    result = run_nightly_in_process()
    assert result.success

    con = duckdb.connect(str(warehouse), read_only=True)
    usage = con.execute(
        """select date_day, sum(requests), sum(billable_requests), sum(successful_requests)
           from marts.fct_api_usage_daily group by 1 order by 1"""
    ).fetchall()
    # 19th: r1 (sandbox), r2 (once), r4 (unknown app); 20th: r3 (500, not billable), r5 (404)
    assert usage == [(dt.date(2026, 11, 19), 3, 2, 3), (dt.date(2026, 11, 20), 2, 1, 0)]
    resources = con.execute(
        "select app_id, resource, status_class from marts.fct_api_usage_daily order by all"
    ).fetchall()
    assert resources == [
        ("app1", "customers", "5xx"),
        ("app1", "hello", "2xx"),
        ("app1", "payments", "2xx"),
        ("app2", "other", "4xx"),  # /v2/labs matches no pattern of the seed: other
        ("app_unknown", "hello", "2xx"),
    ]
    assert con.execute(
        "select latency_p50_ms, response_bytes from marts.fct_api_usage_daily where app_id = 'app2'"
    ).fetchall() == [(70.0, 900)]
    accounts = con.execute(
        """select account_id, first_signed_up_at, current_plan_id, developers, applications,
                  acquisition_channel
           from marts.dim_accounts order by 1"""
    ).fetchall()
    assert accounts == [
        ("acc_a", dt.datetime(2026, 11, 18, 9), "developer", 2, 1, "docs"),
        ("acc_b", dt.datetime(2026, 11, 19, 7), "payg", 1, 1, "github"),
    ]
    assert con.execute(
        "select developer_id, country, acquisition_channel from marts.dim_developers order by 1"
    ).fetchall() == [("d1", "US", "docs"), ("d2", None, "unknown"), ("d3", "DE", "github")]
    assert con.execute(
        "select app_id, account_id from marts.dim_applications order by 1"
    ).fetchall() == [("app1", "acc_a"), ("app2", "acc_b")]


def test_loader_metadata_and_absent_optional_sources(dbt_manifest, warehouse_env):
    landing_dir, _ = warehouse_env
    _handmade_landing(landing_dir)
    result = run_nightly_in_process()
    assert result.success
    materialized = {
        tuple(event.asset_key.path): event.step_materialization_data.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[0] == "raw"
    }
    api_logs = materialized[("raw", "api_logs")]
    assert (api_logs["rows_read"].value, api_logs["rows_loaded"].value) == (6, 6)
    assert api_logs["files_loaded"].value == 2
    community = materialized[("raw", "community_events")]
    assert community["source_missing"].value is True
    assert community["rows_read"].value == 0


def test_a_source_over_the_reject_limit_fails_the_run(dbt_manifest, warehouse_env):
    landing_dir, warehouse = warehouse_env
    _handmade_landing(landing_dir)
    Landing(landing_dir).csv(
        "support_tickets/broken.csv",
        "ticket_id,account_id,created_at,updated_at,status\nt9,acc_a,never,never,new\n",
    )
    result = run_nightly_in_process()
    assert not result.success
    [evaluation] = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.asset_check_key.asset_key.path
        == ["raw", "support_tickets"]
        and e.asset_check_evaluation_data.asset_check_key.name == "reject_rate"
    ]
    assert not evaluation.passed
    assert evaluation.description.startswith("1 of 3 rows (33.3%) rejected")
    # nothing downstream ran, so nothing was published
    assert not (warehouse_env[1].parent.parent / "published.duckdb").exists()
    # what could be loaded is loaded, and the reject is recorded
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from raw.support_tickets").fetchall() == [(2,)]
    assert con.execute("select file, row_number from raw.rejects").fetchall() == [
        ("support_tickets/broken.csv", 1)
    ]


def test_nightly_command_on_generated_demo_data(demo_warehouse):
    """The README's path: `dagster job execute` on a generated landing zone, twice."""
    demo = demo_warehouse
    con = duckdb.connect(str(demo.work), read_only=True)
    # per file: rows read = loaded + rejected, and the counts match the tables
    mismatches = con.execute(
        """select f.file from raw.loaded_files f
           where f.rows_read <> f.rows_loaded + f.rows_rejected
              or f.rows_rejected <> (select count(*) from raw.rejects r
                                     where r.file = f.file and r.row_number is not null)"""
    ).fetchall()
    assert mismatches == []
    # deduplicated requests of a day = distinct request_ids landed for that day
    day = con.execute("select max(date_day) - 5 from marts.fct_api_usage_daily").fetchall()[0][0]
    expected = con.execute(
        """select count(distinct request_id) from raw.api_logs
           where cast(timezone('UTC', requested_at) as date) = ?""",
        [day],
    ).fetchall()[0][0]
    landed = con.execute(
        "select count(*) from raw.api_logs where cast(timezone('UTC', requested_at) as date) = ?",
        [day],
    ).fetchall()[0][0]
    rejected_files = con.execute("select file from raw.rejects where row_number is null")
    assert rejected_files.fetchall() == [("api_logs/date=2026-10-22/export-retry.parquet",)]
    files_before = con.execute("select count(*), sum(rows_loaded) from raw.loaded_files").fetchall()
    con.close()
    published = duckdb.connect(str(demo.published), read_only=True)
    counted = published.execute(
        "select sum(requests) from marts.fct_api_usage_daily where date_day = ?", [day]
    ).fetchall()[0][0]
    assert counted == expected and landed > expected  # the late file's repeats count once
    first_version = published.execute("select version from ops.published_version").fetchall()
    published.close()
    assert (demo.reports / "funnel_hourglass.html").exists()

    run_nightly(demo.settings())  # nothing new: nothing loads twice
    con = duckdb.connect(str(demo.work), read_only=True)
    assert (
        con.execute("select count(*), sum(rows_loaded) from raw.loaded_files").fetchall()
        == files_before
    )
    history = con.execute(
        "select status, rows_loaded from ops.run_history order by recorded_at"
    ).fetchall()
    assert [h[0] for h in history] == ["published", "published"]
    assert history[0][1] == files_before[0][1] and history[1][1] == 0
    published = duckdb.connect(str(demo.published), read_only=True)
    assert published.execute(
        "select status from ops.run_history order by recorded_at"
    ).fetchall() == [("published",), ("published",)]
    assert published.execute("select version from ops.published_version").fetchall() != (
        first_version
    )


def test_rebuild_days_job_rebuilds_exactly_the_requested_days(dbt_manifest, warehouse_env):
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    landing_dir, work = warehouse_env
    _handmade_landing(landing_dir)
    assert run_nightly_in_process().success
    job = defs.resolve_job_def("rebuild_days")
    result = job.execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config={
            "ops": {
                "hourglass_dbt_assets": {
                    "config": {"rebuild_from": "2026-11-20", "rebuild_to": "2026-11-20"}
                }
            }
        },
    )
    assert result.success
    con = duckdb.connect(str(work), read_only=True)
    assert con.execute(
        "select date_day from intermediate.int_request_days_to_rebuild"
    ).fetchall() == [(dt.date(2026, 11, 20),)]
    assert con.execute(
        "select date_day, sum(requests) from marts.fct_api_usage_daily group by 1 order by 1"
    ).fetchall() == [(dt.date(2026, 11, 19), 3), (dt.date(2026, 11, 20), 2)]
    # a second published version, from the rebuild
    assert con.execute("select count(*) from ops.run_history").fetchall() == [(2,)]


def _failure_messages(result) -> list[str]:
    """The error message of each failed step, in order."""
    return [
        e.event_specific_data.error.message.strip()
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE"
    ]


def test_an_empty_landing_zone_stops_before_publishing_naming_what_is_missing(
    dbt_manifest, warehouse_env
):
    landing_dir, work = warehouse_env
    landing_dir.mkdir(parents=True)
    result = run_nightly_in_process()
    assert not result.success
    # one loading step: every source is tried, then one line names each missing one
    assert [m.splitlines()[-1] for m in _failure_messages(result)] == [
        "dagster._core.definitions.events.Failure: "
        + "; ".join(
            f"required source {name} has no landing files in {landing_dir / name}"
            for name in ("signups", "applications", "api_logs", "support_tickets")
        )
    ]
    assert not (work.parent.parent / "published.duckdb").exists()


def test_a_landing_zone_without_requests_stops_before_publishing(dbt_manifest, warehouse_env):
    landing_dir, work = warehouse_env
    _handmade_landing(landing_dir)
    for path in (landing_dir / "api_logs").rglob("*.*"):
        path.unlink()
    Landing(landing_dir).csv(
        "api_logs/empty.csv", "request_id,requested_at,app_id,environment,method,path\n"
    )
    result = run_nightly_in_process()
    assert not result.success
    assert [m.splitlines()[-1] for m in _failure_messages(result)] == [
        "dagster._core.definitions.events.Failure: no requests: raw.api_logs is empty after "
        f"loading {landing_dir / 'api_logs'}"
    ]
    assert not (work.parent.parent / "published.duckdb").exists()


def test_a_working_database_never_publishes_into_another_published_file(
    dbt_manifest, warehouse_env, tmp_path
):
    from hourglass.work_database import claim

    landing_dir, work = warehouse_env
    _handmade_landing(landing_dir)
    other = tmp_path / "other" / "published.duckdb"
    work.parent.mkdir(parents=True)
    with duckdb.connect(str(work)) as con:
        claim(con, other)  # as a run publishing `other` would have
    result = run_nightly_in_process()
    assert not result.success
    messages = {m.splitlines()[-1] for m in _failure_messages(result)}
    assert messages == {
        f"dagster._core.definitions.events.Failure: the working database {work} builds "
        f"{other}, not {tmp_path / 'published.duckdb'}: set HOURGLASS_WORK_PATH to a "
        "working database of its own"
    }
    assert not (tmp_path / "published.duckdb").exists()
    with duckdb.connect(str(work), read_only=True) as con:  # nothing was loaded into it
        assert con.execute("select schema_name from duckdb_tables()").fetchall() == [("ops",)]


def test_the_nightly_command_names_what_is_missing_in_one_line(dbt_manifest, tmp_path):
    from conftest import Demo

    from hourglass.cli import RunFailed

    demo = Demo(tmp_path)
    _handmade_landing(demo.landing)
    shutil.rmtree(demo.landing / "support_tickets")
    log = tmp_path / "nightly.log"
    with pytest.raises(RunFailed) as failure:
        run_nightly(demo.settings(), log)
    assert str(failure.value) == (
        "load_sources: required source support_tickets has no landing files in "
        f"{demo.landing / 'support_tickets'}"
    )
    assert "STEP_FAILURE" in log.read_text() and not demo.published.exists()
