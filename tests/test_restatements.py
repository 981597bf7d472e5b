"""A late file for a month already invoiced is a restatement in the next published file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
from conftest import Landing, run_nightly_in_process


def _published(work) -> tuple[str, list[tuple]]:
    """The published file's version and its fct_bill_restatements rows."""
    with duckdb.connect(str(work.parent.parent / "published.duckdb"), read_only=True) as con:
        version = con.execute("select version from ops.published_version").fetchall()[0][0]
        restatements = con.execute(
            """select account_id, month_start, bill_before_usd, bill_after_usd, difference_usd,
                   published_version, seen_at
               from marts.fct_bill_restatements order by all"""
        ).fetchall()
    return version, restatements


def test_a_late_file_for_a_closed_month_is_exactly_one_restatement(dbt_manifest, warehouse_env):
    landing_dir, work = warehouse_env
    landing = Landing(landing_dir)
    landing.csv(
        "signups/s.csv",
        "developer_id,account_id,signed_up_at,plan_id\nd1,acc_r,2026-10-01T09:00:00Z,payg\n",
    )
    landing.csv("applications/a.csv", "app_id,developer_id,created_at\napp1,d1,2026-10-01T10:00Z\n")
    landing.csv(
        "support_tickets/t.csv",
        "ticket_id,account_id,created_at,updated_at,status\n"
        "t1,acc_r,2026-10-02T10:00:00Z,2026-10-02T10:00:00Z,new\n",
    )
    header = "request_id,requested_at,app_id,environment,method,path,status_code\n"
    # October (complete once November has data): 1 call, one block of 1,000 on payg: $1.50
    landing.csv(
        "api_logs/2026-10.csv",
        header + "r1,2026-10-10T12:00:00Z,app1,production,GET,/v1/hello,200\n"
        "r2,2026-11-20T12:00:00Z,app1,production,GET,/v1/hello,200\n",
    )
    assert run_nightly_in_process().success
    first_version, restatements = _published(work)
    assert restatements == []

    # a late export of 1,000 more October calls: 1,001 calls are 2 blocks, $3.00;
    # November, the running month, changes too but is not a restatement
    late = "".join(
        f"late{i},2026-10-15T08:00:00Z,app1,production,GET,/v1/hello,200\n" for i in range(1000)
    )
    landing.csv("api_logs/late/2026-10-late.csv", header + late)
    landing.csv(
        "api_logs/2026-11.csv", header + "r3,2026-11-20T13:00:00Z,app1,production,GET,/v1/x,200\n"
    )
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert run_nightly_in_process().success
    second_version, restatements = _published(work)
    assert second_version != first_version
    assert [r[:6] for r in restatements] == [
        (
            "acc_r",
            dt.date(2026, 10, 1),
            Decimal("1.50"),
            Decimal("3.00"),
            Decimal("1.50"),
            second_version,
        )
    ]
    assert before <= restatements[0][6] <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
