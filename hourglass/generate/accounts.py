"""The account-level sources: sign-ups, registered applications and plan changes."""

from __future__ import annotations

from pathlib import Path

import duckdb

from hourglass.generate.credits import COMMITMENT
from hourglass.generate.messy import malformed_signups
from hourglass.generate.writers import CSV, PARQUET, append_lines, copy, copy_partitions, iso_text


def write_signups(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """signups.csv: one row per developer, a few repeated an hour later, then ~1%
    malformed rows. Returns the rows written."""
    con.execute("""
        create table signups as
        with base as (
            select d.developer_id, a.account_id,
                day_ts(d.signup_day, d.signup_second) as signed_up_at,
                'dev' || d.dev_idx || '@example.com' as email, a.plan_id,
                d.channel as acquisition_channel, d.visitor_id, d.country, d.is_duplicated
            from developers as d inner join accounts as a using (account_idx)
        )
        select * exclude (is_duplicated) from base
        union all  -- a repeated sign-up row, an hour later: the earliest must win
        select * exclude (is_duplicated) replace (signed_up_at + interval 1 hour as signed_up_at)
        from base where is_duplicated
    """)
    target = out / "signups" / "signups.csv"
    copy(
        con,
        f"""
        select developer_id, account_id, {iso_text("developer_id", "signed_up_at")}
                as signed_up_at,
            email, plan_id, acquisition_channel, visitor_id, country
        from signups order by signed_up_at, developer_id, email nulls first
        """,
        target,
        CSV,
    )
    rows = con.execute("select count(*) from signups").fetchall()[0][0]
    bad = malformed_signups(rows // 100)
    append_lines(target, bad)
    return rows + len(bad)


def write_applications(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """applications/month=YYYY-MM/applications.parquet with native timestamps; one
    application is never registered. Also creates `app_times` (each application's
    creation, first sandbox and production moments) for the other writers."""
    con.execute("""
        create table app_times as
        select app.*, d.developer_id,
            day_ts(d.signup_day, d.signup_second) + to_microseconds(
                cast(app.created_hours * 3.6e9 as bigint)) as created_at,
            day_ts(d.signup_day, d.signup_second) + to_microseconds(
                cast(app.sandbox_hours * 3.6e9 as bigint)) as sandbox_at,
            case when isfinite(app.production_hours) then
                day_ts(d.signup_day, d.signup_second) + to_microseconds(
                    cast(app.production_hours * 3.6e9 as bigint)) end as production_at
        from applications as app inner join developers as d using (dev_idx)
    """)
    target = out / "applications"
    copy_partitions(
        con,
        """(select app_id, developer_id, created_at, 'App ' || app_idx as app_name,
                strftime(created_at, '%Y-%m') as month
            from app_times where is_registered)""",
        key="month",
        order="created_at, app_id",
        path=lambda month: target / f"month={month}" / "applications.parquet",
        options=PARQUET,
        columns="app_id, developer_id, created_at, app_name",
    )
    return con.execute("select count(*) from app_times where is_registered").fetchall()[0][0]


def write_subscriptions(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """subscriptions.csv: half the growers upgrade to the next pricier plan of the
    catalogue, most of them agreeing a commitment (credits.COMMITMENT), a tenth of
    the steady accounts move down to the entry plan."""
    con.execute(f"""
        create table subscription_rows as
        with next_plan as (
            select p.plan_id,
                coalesce(min_by(up.plan_id, [up.monthly_fee_usd, up.position]), p.plan_id)
                    as upgrade_to
            from plans as p left join plans as up on up.monthly_fee_usd > p.monthly_fee_usd
            group by p.plan_id
        ),
        changes as (
            select a.*, a.archetype = 'grower' as is_upgrade,
                case when a.archetype = 'grower' then n.upgrade_to
                    else (select plan_id from plans order by position limit 1) end as new_plan_id
            from accounts as a inner join next_plan as n using (plan_id)
        )
        select a.account_id, a.new_plan_id as plan_id,
            day_ts(a.upgrade_day, 0) as effective_at,
            case when a.is_upgrade then {COMMITMENT} end as committed_monthly_usd
        from changes as a inner join (select plan_id, monthly_fee_usd as fee from plans) as p
            on a.new_plan_id = p.plan_id
        where (
                -- half the growers upgrade; the others outgrow their plan: sales' calls
                (a.archetype = 'grower' and hash(a.account_id, 'upgrade') % 2 = 0)
                or (a.archetype = 'steady' and hash(a.account_id) % 10 = 0)
            )
            and a.upgrade_day < (select max(day) from requests)
    """)
    copy(
        con,
        "select * from subscription_rows order by effective_at, account_id",
        out / "subscriptions" / "subscriptions.csv",
        CSV,
    )
    return con.execute("select count(*) from subscription_rows").fetchall()[0][0]
