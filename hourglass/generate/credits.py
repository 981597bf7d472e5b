"""The prepaid credits of paying accounts (credit_grants), and commitments.

Three in four accounts on a plan with a fee get credits, of one of three kinds
chosen by hash of the account: a welcome credit of 2.5 monthly fees that never
expires (it pays two months, then runs out in the third: the
credits_running_out signal), a credit of 3 fees that expires at 00:00 on the
first day of the next month (it still pays the month it was granted in; the
rest is lost), or a top-up of one fee arriving mid-month 10 days after sign-up
and valid for 90 days. One grant is landed twice, the copy a day later
(the earliest must win).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from hourglass.generate.writers import CSV, copy

# The commitment agreed with an upgrade, SQL over the account `a` and the new
# plan's fee `fee`: above usage for half (3 fees, at least $300: the bill is
# trued up to it), below it for a quarter (80% of the fee), none for the rest.
COMMITMENT = """
    cast(case
        when hash(a.account_id, 'commitment') % 4 < 2 then greatest(3 * fee, 300)
        when hash(a.account_id, 'commitment') % 4 = 2 then 0.8 * fee
    end as decimal(18, 2))
"""


def write_credit_grants(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """credit_grants/credit_grants.csv (see the module doc). Returns the rows written."""
    con.execute("""
        create table credit_grant_rows as
        with paying as (
            select a.account_id, a.first_day, p.monthly_fee_usd as fee,
                hash(a.account_id, 'credits') % 4 as kind
            from accounts as a inner join plans as p using (plan_id)
            where p.monthly_fee_usd > 0
        ),
        grants as (
            select account_id || '_welcome' as grant_id, account_id,
                day_ts(first_day, 3600) as granted_at,
                2.5 * fee as amount_usd,
                cast(null as timestamp) as expires_at
            from paying where kind = 0
            union all
            select account_id || '_expiring', account_id, day_ts(first_day, 3600),
                3 * fee,
                date_trunc('month', day_ts(first_day, 0)) + interval 1 month
            from paying where kind = 1
            union all
            select account_id || '_top_up', account_id, day_ts(first_day + 10, 43200),
                fee, day_ts(first_day + 110, 43200)
            from paying where kind = 2
        )
        select * from grants
        where granted_at <= (select max(requested_at) from requests)
    """)
    rows = """
        select grant_id, account_id, strftime(granted_at, '%Y-%m-%dT%H:%M:%SZ') as granted_at,
            cast(amount_usd as decimal(18, 2)) as amount_usd,
            strftime(expires_at, '%Y-%m-%dT%H:%M:%SZ') as expires_at
        from credit_grant_rows
    """
    repeated = f"""
        select * replace (strftime(cast(granted_at as timestamp) + interval 1 day,
            '%Y-%m-%dT%H:%M:%SZ') as granted_at)
        from ({rows}) order by grant_id limit 1
    """
    copy(
        con,
        f"select * from ({rows} union all ({repeated})) order by granted_at, grant_id",
        out / "credit_grants" / "credit_grants.csv",
        CSV,
    )
    return con.execute("select count(*) + 1 from credit_grant_rows").fetchall()[0][0]
