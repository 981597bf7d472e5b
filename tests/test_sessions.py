"""End-user sessions on a hand-made landing zone that arrives in three batches:
the sessions computed by hand, and incremental builds equal to a full refresh."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import Landing

from hourglass.loading import load_landing
from hourglass.settings import PROJECT_ROOT

# the session models and every incremental model, with what they read (so that the
# watermark advances and the next build is incremental)
SELECTION = [
    "+fct_end_user_sessions",
    "+fct_funnel_l10_end_users",
    "+config.materialized:incremental",
]
SESSION_TABLES = (
    "intermediate.int_end_user_sessions",
    "marts.fct_end_user_sessions",
    "marts.fct_funnel_l10_end_users",
)


def _request(request_id, at, app="app1", end_user="eu1", path="/v1/payments", env="production"):
    return {
        "request_id": request_id,
        "requested_at": at,
        "app_id": app,
        "environment": env,
        "method": "GET",
        "path": path,
        "status_code": 200,
        "end_user_id": end_user,
    }


# 2026-11-10; r2 is left out of the corrected export in batch 3
DAY_10 = [
    _request("r1", "2026-11-10T10:00:00Z"),
    _request("r2", "2026-11-10T10:20:00Z", path="/v1/customers/5"),
    _request("r3", "2026-11-10T10:50:00Z"),  # exactly 30 minutes after r2: same session
    _request("r4", "2026-11-10T11:20:00.000001Z", path="/v1/hello"),  # 30 min + 1 us: new
    _request("r5", "2026-11-10T10:05:00Z", app="app2"),  # eu1 of app2 is another end user
    _request("r6", "2026-11-10T23:50:00Z", end_user="eu2"),  # crosses midnight with r10
    _request("r7", "2026-11-10T12:00:00Z", app="app_unregistered", end_user="eu9"),
    _request("r8", "2026-11-10T10:30:00Z", env="sandbox"),  # sandbox: not a session
    _request("r9", "2026-11-10T10:40:00Z", end_user=None),  # no end user
]
DAY_11 = [
    _request("r10", "2026-11-11T00:15:00Z", end_user="eu2"),
    _request("r11", "2026-11-11T09:00:00Z", end_user="eu3"),
    _request("r12", "2026-11-11T10:00:00Z", end_user="eu3"),
    _request("r1", "2026-11-10T10:00:00Z"),  # a second copy of r1: counted once
]
LATE = [_request("r13", "2026-11-11T09:30:00Z", end_user="eu3")]  # bridges r11 and r12
DAY_12 = [_request("r14", "2026-11-12T08:00:00Z")]


def _first_batch(landing: Landing) -> None:
    landing.csv(
        "signups/signups.csv",
        "developer_id,account_id,signed_up_at,email,plan_id\n"
        "d1,acc_a,2026-11-09T09:00:00Z,d1@example.com,developer\n",
    )
    landing.csv(
        "applications/apps.csv",
        "app_id,developer_id,created_at\n"
        "app1,d1,2026-11-09T10:00:00Z\n"
        "app2,d1,2026-11-09T11:00:00Z\n",
    )
    landing.csv(
        "support_tickets/export.csv",
        "ticket_id,account_id,created_at,updated_at,status\n"
        "t1,acc_a,2026-11-10T10:00:00Z,2026-11-10T10:00:00Z,new\n",
    )
    landing.jsonl("api_logs/date=2026-11-10/a.jsonl", DAY_10)
    landing.jsonl("api_logs/date=2026-11-11/b.jsonl", DAY_11)


def _build(warehouse: Path, *extra: str) -> None:
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--quiet", "--select", *SELECTION]
        + ["--resource-type", "model", "--resource-type", "seed", *extra],
        cwd=PROJECT_ROOT,
        env={**os.environ, "HOURGLASS_WORK_PATH": str(warehouse)},
        check=True,
    )


def _load_and_build(landing: Landing, warehouse: Path, batch: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing.root, batch)
    _build(warehouse)


def _sessions(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """select app_id, end_user_id, account_id, started_at, ended_at, started_date,
                      requests, duration_minutes, resources
               from marts.fct_end_user_sessions order by all"""
        ).fetchall()


def _at(day: int, hour: int, minute: int, microsecond: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, 0, microsecond)


def _session(app, end_user, start, end, requests, minutes, resources, started_on=None):
    account = None if app == "app_unregistered" else "acc_a"
    day = started_on or start.date()
    return (app, end_user, account, start, end, day, requests, minutes, resources)


# by hand: the sessions after batch 1 that batches 2 and 3 leave as they are
UNCHANGED = [
    _session("app1", "eu1", _at(10, 11, 20, 1), _at(10, 11, 20, 1), 1, 0.0, "hello"),
    _session("app1", "eu2", _at(10, 23, 50), _at(11, 0, 15), 2, 25.0, "payments"),
    _session("app2", "eu1", _at(10, 10, 5), _at(10, 10, 5), 1, 0.0, "payments"),
    _session("app_unregistered", "eu9", _at(10, 12, 0), _at(10, 12, 0), 1, 0.0, "payments"),
]


@pytest.fixture(scope="module")
def batches(dbt_manifest, tmp_path_factory):
    """The warehouse's sessions after each batch, and the final warehouse with a
    copy of it rebuilt by a full refresh."""
    root = tmp_path_factory.mktemp("sessions")
    landing, warehouse = Landing(root / "landing"), root / "incremental.duckdb"
    _first_batch(landing)
    _load_and_build(landing, warehouse, "batch-1")
    after = [_sessions(warehouse)]

    # batch 2: a late file for the 11th and a new day
    landing.jsonl("api_logs/date=2026-11-11/late.jsonl", LATE)
    landing.jsonl("api_logs/date=2026-11-12/c.jsonl", DAY_12)
    _load_and_build(landing, warehouse, "batch-2")
    after.append(_sessions(warehouse))

    # batch 3: a corrected export of the 10th without r2 replaces the first one
    landing.jsonl(
        "api_logs/date=2026-11-10/a.jsonl", [r for r in DAY_10 if r["request_id"] != "r2"]
    )
    _load_and_build(landing, warehouse, "batch-3")
    after.append(_sessions(warehouse))

    full = root / "full_refresh.duckdb"
    shutil.copy(warehouse, full)
    _build(full, "--full-refresh")
    return after, warehouse, full


def test_sessions_by_hand_after_each_batch(batches):
    after, _, _ = batches
    eu3_morning = [
        _session("app1", "eu3", _at(11, 9, 0), _at(11, 9, 0), 1, 0.0, "payments"),
        _session("app1", "eu3", _at(11, 10, 0), _at(11, 10, 0), 1, 0.0, "payments"),
    ]
    # r1 (two copies), r2 and r3: gaps of 20 and exactly 30 minutes
    eu1_morning = [
        _session("app1", "eu1", _at(10, 10, 0), _at(10, 10, 50), 3, 50.0, "customers, payments")
    ]
    assert after[0] == sorted(UNCHANGED + eu1_morning + eu3_morning)
    # the late r13 joins eu3's two sessions into one; the 12th adds a session
    eu3_bridged = [_session("app1", "eu3", _at(11, 9, 0), _at(11, 10, 0), 3, 60.0, "payments")]
    day_12 = [_session("app1", "eu1", _at(12, 8, 0), _at(12, 8, 0), 1, 0.0, "payments")]
    assert after[1] == sorted(UNCHANGED + eu1_morning + eu3_bridged + day_12)
    # without r2, r1 and r3 are 50 minutes apart: two sessions
    eu1_split = [
        _session("app1", "eu1", _at(10, 10, 0), _at(10, 10, 0), 1, 0.0, "payments"),
        _session("app1", "eu1", _at(10, 10, 50), _at(10, 10, 50), 1, 0.0, "payments"),
    ]
    assert after[2] == sorted(UNCHANGED + eu1_split + eu3_bridged + day_12)


def test_layer_10_counts_sessions_on_the_day_they_start(batches):
    _, warehouse, _ = batches
    with duckdb.connect(str(warehouse), read_only=True) as con:
        days = con.execute(
            """select date_day, end_user_sessions, median_session_minutes
               from marts.fct_funnel_l10_end_users order by 1"""
        ).fetchall()
    # 9th: sign-ups only; 10th: eu1 three times, eu2 (ends on the 11th), app2's eu1, eu9
    assert days == [
        (dt.date(2026, 11, 9), 0, None),
        (dt.date(2026, 11, 10), 6, 0.0),
        (dt.date(2026, 11, 11), 1, 60.0),
        (dt.date(2026, 11, 12), 1, 0.0),
    ]


def test_incremental_sessions_equal_a_full_refresh_row_for_row(batches):
    _, incremental, full = batches
    with duckdb.connect(str(incremental), read_only=True) as con:
        con.execute(f"attach '{full}' as full_refresh (read_only)")
        for table in SESSION_TABLES:
            differences = con.execute(
                f"""select count(*) from (
                        (select * from {table} except all select * from full_refresh.{table})
                        union all
                        (select * from full_refresh.{table} except all select * from {table}))"""
            ).fetchall()[0][0]
            assert (table, differences) == (table, 0)
