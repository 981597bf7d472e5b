"""Retention, revenue retention, growth accounting, stickiness and the funnel
breakdown (docs/metrics.md, "Retention, growth accounting and stickiness") on a
hand-computed landing zone, and their invariants on the demo warehouse."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import Landing, load_and_build

D = dt.date


def _request(request_id, at, app, environment, status, end_user=""):
    return f"{request_id},{at},{app},{environment},GET,/v1/hello,{status},5,{end_user}\n"


def _growth_landing(root: Path) -> None:
    """Three developers in two accounts over ISO weeks from Monday 2026-10-05 to
    the week of as_of_date, Tuesday 2026-12-01."""
    landing = Landing(root)
    landing.csv(
        "signups/signups.csv",
        "developer_id,account_id,signed_up_at,plan_id,acquisition_channel,country\n"
        "d1,acc_a,2026-10-07T09:00:00Z,developer,docs,us\n"  # week of 10-05
        "d2,acc_a,2026-10-30T09:00:00Z,,,\n"  # week of 10-26: no plan, channel, country
        "d3,acc_b,2026-11-04T12:00:00Z,,github,de\n",  # week of 11-02
    )
    landing.csv(
        "applications/apps.csv",
        "app_id,developer_id,created_at\n"
        "app1,d1,2026-10-07T10:00:00Z\n"
        "app2,d2,2026-10-30T10:00:00Z\n"
        "app3,d3,2026-11-03T10:00:00Z\n",  # before its owner's sign-up
    )
    landing.csv(
        "api_logs/requests.csv",
        "request_id,requested_at,app_id,environment,method,path,status_code,latency_ms,end_user_id\n"
        + _request("r1", "2026-10-07T11:00:00Z", "app1", "sandbox", 200)
        # the last second of Sunday, the last day of the week of 10-05
        + _request("r2", "2026-10-11T23:59:59Z", "app1", "production", 200)
        # Saturday 10-31, the last day of October; a server error is activity too
        + _request("r3", "2026-10-31T12:00:00Z", "app2", "production", 500)
        # a day before d3 signs up, in the same week: period 0
        + _request("r4", "2026-11-03T08:00:00Z", "app3", "production", 200, "u1")
        + _request("r5", "2026-11-18T10:00:00Z", "app1", "sandbox", 200)
        # an unregistered application: its end user counts, nobody else
        + _request("r6", "2026-11-18T11:00:00Z", "app9", "production", 200, "u1")
        + _request("r7", "2026-11-20T10:00:00Z", "app3", "production", 200, "u1")
        + _request("r8", "2026-12-01T09:00:00Z", "app9", "sandbox", 200),
    )
    landing.csv(
        "support_tickets/tickets.csv",
        "ticket_id,account_id,created_at,updated_at,status\n"
        "t1,acc_a,2026-10-08T10:00:00Z,2026-10-08T10:00:00Z,new\n",
    )
    landing.csv(
        "subscriptions/plans.csv",
        "account_id,plan_id,effective_at\n"
        "acc_a,free,2026-11-15T00:00:00Z\n"
        "acc_b,growth_mau,2026-11-10T00:00:00Z\n",
    )


@pytest.fixture(scope="module")
def growth(tmp_path_factory):
    root = tmp_path_factory.mktemp("growth")
    _growth_landing(root / "landing")
    warehouse = root / "warehouse.duckdb"
    load_and_build(
        root / "landing",
        warehouse,
        "--select",
        "+models/marts/growth",
        "--indirect-selection",
        "cautious",
        "--exclude-resource-type",
        "unit_test",
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def _rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_weekly_developer_retention_by_hand(growth):
    retention = _rows(
        growth,
        """select cohort_start, period_number, cohort_size, active_entities,
                  unbounded_active_entities, is_period_complete
           from marts.fct_retention
           where entity_type = 'developer' and period_type = 'week'
           order by cohort_start, period_number""",
    )
    # weeks 10-05 ... 11-30 (the week of as_of_date 12-01, running)
    d1 = [(D(2026, 10, 5), n, 1, int(n in (0, 6)), int(n <= 6), n < 8) for n in range(9)]
    d2 = [(D(2026, 10, 26), n, 1, int(n == 0), int(n == 0), n < 5) for n in range(6)]
    d3 = [(D(2026, 11, 2), n, 1, int(n in (0, 2)), int(n <= 2), n < 4) for n in range(5)]
    assert retention == d1 + d2 + d3


def test_monthly_account_retention_by_hand(growth):
    assert _rows(
        growth,
        """select cohort_start, period_number, cohort_size, active_entities,
                  unbounded_active_entities, retention_rate, is_period_complete
           from marts.fct_retention
           where entity_type = 'account' and period_type = 'month'
           order by cohort_start, period_number""",
    ) == [
        # acc_a: production in October only (r2, r3); acc_b: November only (r4, r7)
        (D(2026, 10, 1), 0, 1, 1, 1, 1.0, True),
        (D(2026, 10, 1), 1, 1, 0, 0, 0.0, True),
        (D(2026, 10, 1), 2, 1, 0, 0, 0.0, False),
        (D(2026, 11, 1), 0, 1, 1, 1, 1.0, True),
        (D(2026, 11, 1), 1, 1, 0, 0, 0.0, False),
    ]


def test_weekly_growth_accounting_by_hand(growth):
    accounting = _rows(
        growth,
        """select entity_type, period_start, active, new, retained, resurrected, churned,
                  quick_ratio
           from marts.fct_growth_accounting
           where period_type = 'week' and entity_type in ('developer', 'end_user')
           order by entity_type, period_start""",
    )
    assert accounting == [
        ("developer", D(2026, 10, 5), 1, 1, 0, 0, 0, None),
        ("developer", D(2026, 10, 12), 0, 0, 0, 0, 1, 0.0),
        ("developer", D(2026, 10, 19), 0, 0, 0, 0, 0, None),
        ("developer", D(2026, 10, 26), 1, 1, 0, 0, 0, None),
        ("developer", D(2026, 11, 2), 1, 1, 0, 0, 1, 1.0),
        ("developer", D(2026, 11, 9), 0, 0, 0, 0, 1, 0.0),
        ("developer", D(2026, 11, 16), 2, 0, 0, 2, 0, None),
        ("developer", D(2026, 11, 23), 0, 0, 0, 0, 2, 0.0),
        ("developer", D(2026, 11, 30), 0, 0, 0, 0, 0, None),
        # end users start with their first activity: (app3, u1) on 11-03
        ("end_user", D(2026, 11, 2), 1, 1, 0, 0, 0, None),
        ("end_user", D(2026, 11, 9), 0, 0, 0, 0, 1, 0.0),
        ("end_user", D(2026, 11, 16), 2, 1, 0, 1, 0, None),
        ("end_user", D(2026, 11, 23), 0, 0, 0, 0, 2, 0.0),
        ("end_user", D(2026, 11, 30), 0, 0, 0, 0, 0, None),
    ]


def test_stickiness_windows_by_hand(growth):
    stickiness = {
        (day, entity): (dau, wau, mau)
        for day, entity, dau, wau, mau in _rows(
            growth,
            """select date_day, entity_type, dau, wau, mau from marts.fct_stickiness_daily
               where date_day in ('2026-10-07', '2026-10-17', '2026-10-18', '2026-11-07',
                                  '2026-11-08', '2026-11-20')""",
        )
    }
    assert stickiness[(D(2026, 10, 7), "account")] == (0, 0, 0)  # sandbox only
    # d1's 10-11 is in the 7 days ending on 10-17, not in those ending on 10-18
    assert stickiness[(D(2026, 10, 17), "developer")] == (0, 1, 1)
    assert stickiness[(D(2026, 10, 18), "developer")] == (0, 0, 1)
    # and in the 28 days ending on 11-07 (d1, d2, d3), not in those ending on 11-08
    assert stickiness[(D(2026, 11, 7), "developer")] == (0, 1, 3)
    assert stickiness[(D(2026, 11, 8), "developer")] == (0, 1, 2)
    assert stickiness[(D(2026, 11, 20), "developer")] == (1, 2, 3)
    assert stickiness[(D(2026, 11, 20), "account")] == (1, 1, 2)
    assert stickiness[(D(2026, 11, 20), "end_user")] == (1, 2, 2)
    days = _rows(growth, "select count(*), min(date_day) from marts.fct_stickiness_daily")
    assert days == [(3 * 56, D(2026, 10, 7))]  # 10-07 through 12-01 for each entity type


def test_revenue_retention_by_hand(growth):
    # October: acc_a's developer plan ($29); November: acc_a on free ($0, churned),
    # acc_b's first bill on growth_mau ($299, new). December is running.
    assert _rows(
        growth,
        """select month_start, base_accounts, starting_revenue_usd, retained_revenue_usd,
                  churned_revenue_usd, new_revenue_usd, net_revenue_retention,
                  gross_revenue_retention
           from marts.fct_revenue_retention""",
    ) == [(D(2026, 11, 1), 1, 29, 0, 29, 299, 0.0, 0.0)]


def test_funnel_breakdown_by_hand(growth):
    breakdown = _rows(
        growth,
        """select cohort_week, dimension, dimension_value, developers, reached,
                  reached_within_7d, reached_within_30d
           from marts.fct_funnel_conversion_breakdown
           where stage = 'production_success'
           order by cohort_week, dimension""",
    )
    assert breakdown == [
        # d1 reaches production 4 days 15 hours after sign-up
        (D(2026, 10, 5), "acquisition_channel", "docs", 1, 1, 1, 1),
        (D(2026, 10, 5), "country", "US", 1, 1, 1, 1),
        (D(2026, 10, 5), "signup_plan", "developer", 1, 1, 1, 1),
        # d2 left everything empty; its only production request failed
        (D(2026, 10, 26), "acquisition_channel", "unknown", 1, 0, 0, 0),
        (D(2026, 10, 26), "country", "unknown", 1, 0, 0, 0),
        (D(2026, 10, 26), "signup_plan", "free", 1, 0, 0, 0),
        # d3 succeeded in production the day before signing up: within both windows
        (D(2026, 11, 2), "acquisition_channel", "github", 1, 1, 1, 1),
        (D(2026, 11, 2), "country", "DE", 1, 1, 1, 1),
        (D(2026, 11, 2), "signup_plan", "free", 1, 1, 1, 1),
    ]


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    connection = duckdb.connect(str(demo_warehouse.work), read_only=True)
    yield connection
    connection.close()


def test_demo_stickiness_equals_distinct_counts_over_each_window(demo):
    """The running sums against a direct count of distinct entities per window."""
    mismatches = _rows(
        demo,
        """
        with activity as (
            select entity_type, coalesce(app_id, '') || '/' || entity_id as entity, date_day
            from intermediate.int_entity_activity_daily
        ),
        direct as (
            select calendar.date_day, types.entity_type,
                count(distinct case when activity.date_day = calendar.date_day
                    then activity.entity end) as dau,
                count(distinct case when activity.date_day > calendar.date_day - 7
                    then activity.entity end) as wau,
                count(distinct activity.entity) as mau
            from intermediate.int_calendar_days as calendar
            cross join (select distinct entity_type from activity) as types
            left join activity
                on activity.entity_type = types.entity_type
                and activity.date_day between calendar.date_day - 27 and calendar.date_day
            group by all
        )
        select count(*) from direct
        full join marts.fct_stickiness_daily as s using (date_day, entity_type)
        where s.dau is distinct from direct.dau or s.wau is distinct from direct.wau
            or s.mau is distinct from direct.mau
        """,
    )
    assert mismatches == [(0,)]


def test_demo_growth_figures_are_plausible(demo):
    """Rates lie in [0, 1], unbounded retention never rises with the period, every
    period's active entities follow from the previous period's, and the unknown
    channel holds exactly the sign-ups that left it empty."""
    rates = _rows(
        demo,
        """select min(retention_rate), max(retention_rate),
                  count(*) filter (where unbounded_active_entities < active_entities),
                  count(*) filter (where unbounded_rising)
           from (select *, unbounded_active_entities > lag(unbounded_active_entities) over (
                     partition by entity_type, period_type, cohort_start order by period_number
                 ) as unbounded_rising
                 from marts.fct_retention)""",
    )
    assert rates[0][0] >= 0 and rates[0][1] <= 1 and rates[0][2:] == (0, 0)
    broken = _rows(
        demo,
        """select count(*) from (
               select *, coalesce(lag(active) over (
                   partition by entity_type, period_type order by period_start), 0) as before
               from marts.fct_growth_accounting)
           where active <> new + retained + resurrected
              or active <> before - churned + new + resurrected""",
    )
    assert broken == [(0,)]
    revenue = _rows(
        demo,
        """select count(*), count(*) filter (
               where retained_revenue_usd + contraction_usd + churned_revenue_usd
                     <> starting_revenue_usd
                  or gross_revenue_retention > 1 or net_revenue_retention < 0)
           from marts.fct_revenue_retention""",
    )
    assert revenue[0][0] >= 1 and revenue[0][1] == 0
    unknown = _rows(
        demo,
        """select sum(developers) from marts.fct_funnel_conversion_breakdown
           where stage = 'signed_up' and dimension = 'acquisition_channel'
             and dimension_value = 'unknown'""",
    )
    no_channel = _rows(
        demo,
        """select count(*) from (
               select *, row_number() over (
                   partition by developer_id order by signed_up_at, _file, _row_number) as copy
               from raw.signups)
           where copy = 1 and coalesce(acquisition_channel, '') = ''""",
    )
    assert unknown == no_channel and no_channel[0][0] > 0


def test_nightly_job_renders_the_growth_pictures_from_the_marts(demo_warehouse, demo):
    page = (demo_warehouse.reports / "growth.html").read_text()
    cells = _rows(
        demo,
        """select cohort_start, period_number, retention_rate from marts.fct_retention
           where entity_type = 'developer' and period_type = 'week'
             and cohort_start >= (
                 select max(cohort_start) - 7 * 11 from marts.fct_retention
                 where entity_type = 'developer' and period_type = 'week')""",
    )
    assert page.count("<title>cohort ") == len(cells) > 12
    for cohort, week, rate in cells:
        assert f"<title>cohort {cohort}, week {week}: {rate:.0%}</title>" in page
    weeks = _rows(
        demo,
        """select period_start, new, retained, resurrected, churned
           from marts.fct_growth_accounting
           where entity_type = 'developer' and period_type = 'week'
           order by period_start desc limit 12""",
    )
    # the demo's 60 days hold 9 weeks: every one is drawn
    assert page.count('class="churned"') == len(weeks) == 9
    for start, new, retained, _, churned in weeks:
        for count, name in ((new, "new"), (retained, "retained"), (churned, "churned")):
            assert f"<title>{start}: {count:,} {name}</title>" in page


def test_growth_pictures_render_in_headless_chromium(demo_warehouse):
    """Chromium parses the page into the same cells and bars (an SVG it could not
    read would leave them out of the DOM)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "headless Chromium is needed to check the pictures in a browser"
    page = demo_warehouse.reports / "growth.html"
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    source = page.read_text()
    assert dom.count("<rect") == source.count("<rect") > 50
    assert dom.count("<svg") == 2
    assert "Retention by weekly sign-up cohort" in dom
