"""Every preset end to end: the sample exports through the nightly job into the marts.

One run holds all six presets, each in its own landing sub-folder with its
`_format.yml`, so the job is run once; every figure below is counted by hand
from the sample files in tests/fixtures/formats/.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
from conftest import Landing, run_nightly_in_process

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
D18, D19, D20 = dt.date(2026, 11, 18), dt.date(2026, 11, 19), dt.date(2026, 11, 20)


def _landing(root: Path) -> None:
    landing = Landing(root)
    landing.csv(
        "signups/signups.csv",
        "developer_id,account_id,signed_up_at\n"
        "d1,acc_a,2026-11-18T08:00:00Z\n"
        "d2,acc_b,2026-11-18T08:30:00Z\n",
    )
    landing.csv(
        "applications/apps.csv",
        "app_id,developer_id,created_at\n"
        "app_kong,d1,2026-11-18T08:10:00Z\n"
        "q7k2m9p4x1,d1,2026-11-18T08:20:00Z\n"
        "app_nginx,d2,2026-11-18T08:40:00Z\n"
        "app_envoy,d2,2026-11-18T08:50:00Z\n",
    )
    for preset, folder in [
        ("kong", "api_logs/kong"),
        ("aws_api_gateway", "api_logs/apigw"),
        ("nginx_json", "api_logs/edge"),
        ("envoy_json", "api_logs/mesh"),
        ("zendesk", "support_tickets/zendesk"),
        ("stripe", "subscriptions/stripe"),
    ]:
        shutil.copytree(FIXTURES / preset, root / folder)


def test_every_preset_loads_through_the_nightly_job_into_the_marts(dbt_manifest, warehouse_env):
    landing_dir, work = warehouse_env
    _landing(landing_dir)
    result = run_nightly_in_process()
    assert result.success

    con = duckdb.connect(str(work), read_only=True)
    assert con.execute("select count(*) from raw.rejects").fetchall() == [(0,)]
    usage = con.execute(
        """select app_id, date_day, environment, sum(requests)::int
           from marts.fct_api_usage_daily group by all order by all"""
    ).fetchall()
    assert usage == [
        # Envoy: a sandbox mesh
        ("app_envoy", D18, "sandbox", 1),
        ("app_envoy", D19, "sandbox", 1),
        ("app_envoy", D20, "sandbox", 2),
        # Kong: environment from the route's tags, the http-log batch as two requests
        ("app_kong", D18, "production", 1),
        ("app_kong", D19, "production", 1),
        ("app_kong", D19, "sandbox", 1),
        ("app_kong", D20, "production", 2),
        ("app_kong", D20, "sandbox", 1),
        # nginx: the folder's constant environment
        ("app_nginx", D19, "production", 2),
        ("app_nginx", D20, "production", 2),
        # AWS: stage prod/dev; 19/Nov 23:59:59 +0100 is the 19th in UTC; CloudWatch lines too
        ("q7k2m9p4x1", D18, "production", 1),
        ("q7k2m9p4x1", D19, "sandbox", 1),
        ("q7k2m9p4x1", D20, "production", 3),
    ]
    # nginx's $request_time in seconds became milliseconds
    assert con.execute(
        """select latency_p50_ms from marts.fct_api_usage_daily
           where app_id = 'app_nginx' and date_day = '2026-11-20' and status_class = '5xx'"""
    ).fetchall() == [(30001.0,)]
    # Zendesk: hold is pending (open), closed resolves at its last update
    tickets = con.execute(
        """select date_day, tickets_opened, tickets_solved, open_tickets
           from marts.fct_funnel_l07_operational_activity order by 1"""
    ).fetchall()
    assert tickets == [(D18, 2, 0, 2), (D19, 1, 1, 2), (D20, 2, 1, 3)]
    # Stripe: customers and prices through the folder's maps
    assert con.execute(
        "select account_id, current_plan_id from marts.dim_accounts order by 1"
    ).fetchall() == [("acc_a", "growth_mau"), ("acc_b", "payg")]
