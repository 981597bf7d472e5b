"""support_tickets: state exports, one file per day with the rows updated that
day, CSV and every fourth day's file as JSON lines."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from hourglass.contract import SUPPORT_TICKETS
from hourglass.generate.writers import CSV, JSON_LINES, copy_partitions, iso_text

# the contract's categories, and an empty one (the loader's default applies)
CATEGORIES = (*next(c.allowed for c in SUPPORT_TICKETS.columns if c.name == "category"), "")


def draw_tickets(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, days: int) -> pa.Table:
    """Tickets of accounts that ever started; churners open more and more urgent ones."""
    accounts = con.execute("""
        select a.account_idx, a.account_id, a.archetype, min(d.developer_id) as developer_id,
            min(d.signup_day) as first_day
        from accounts as a inner join developers as d using (account_idx)
        where a.archetype <> 'never' group by all order by a.account_idx
    """).fetchnumpy()
    per_account = rng.poisson(np.where(accounts["archetype"] == "churner", 4.0, 1.2))
    owner = np.repeat(np.arange(len(per_account)), per_account)
    t = len(owner)
    span = np.maximum(days - accounts["first_day"][owner], 1)
    urgent_share = np.where(accounts["archetype"][owner] == "churner", 0.3, 0.05)
    priority = np.where(
        rng.random(t) < urgent_share, "urgent", rng.choice(["low", "normal", "high", ""], size=t)
    )
    return pa.table(
        {
            "ticket_id": np.array([f"tkt_{i:06d}" for i in range(t)]),
            "account_id": accounts["account_id"][owner],
            "developer_id": accounts["developer_id"][owner],
            "created_day": accounts["first_day"][owner] + (rng.random(t) * span).astype(int),
            "created_second": rng.integers(0, 86400, size=t),
            "response_hours": rng.exponential(6.0, size=t),
            "solve_hours": rng.exponential(60.0, size=t),
            "is_solved": rng.random(t) < 0.75,
            "priority": priority,
            "category": rng.choice(CATEGORIES, size=t),
            "satisfaction": rng.choice(["good", "bad", ""], size=t, p=[0.5, 0.15, 0.35]),
        }
    )


def write_tickets(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, days: int, out: Path
) -> int:
    """Each ticket has a row per state it went through (new, open, solved) up to
    the end of the last day; every fourth day's export is JSON lines. Returns the
    rows written."""
    con.register("_tickets", draw_tickets(con, rng, days))
    con.execute(f"""
        create table ticket_rows as
        with t as (
            select *, day_ts(created_day, created_second) as created_at,
                day_ts(created_day, created_second)
                    + to_microseconds(cast(response_hours * 3.6e9 as bigint)) as first_response_at,
                day_ts(created_day, created_second)
                    + to_microseconds(cast((response_hours + solve_hours) * 3.6e9 as bigint))
                    as solved_at
            from _tickets
        ),
        states as (
            select *, 'new' as status, created_at as updated_at, null as responded, null as solved
            from t
            union all
            select *, 'open', first_response_at, first_response_at, null from t
            union all
            select *, 'solved', solved_at, first_response_at, solved_at from t where is_solved
        )
        select ticket_id, account_id, developer_id, created_at, updated_at, status,
            priority, category, responded as first_response_at, solved as solved_at,
            case when status = 'solved' then satisfaction else '' end as satisfaction,
            cast(cast(updated_at as date) as varchar) as export_day,
            dense_rank() over (order by cast(updated_at as date)) % 4 = 0 as is_json
        from states where updated_at <= day_ts({days - 1}, 86399)
    """)
    target = out / "support_tickets"
    iso = {
        c: iso_text("ticket_id", c)
        for c in ("created_at", "updated_at", "first_response_at", "solved_at")
    }
    columns = f"""ticket_id, account_id, developer_id, {iso["created_at"]} as created_at,
        {iso["updated_at"]} as updated_at, upper(status) as status, priority, category,
        {iso["first_response_at"]} as first_response_at, {iso["solved_at"]} as solved_at,
        satisfaction"""
    for is_json, name, options in (
        (False, "tickets.csv", CSV),
        (True, "tickets.ndjson", JSON_LINES),
    ):
        copy_partitions(
            con,
            "ticket_rows",
            key="export_day",
            order="updated_at, ticket_id, status",
            path=lambda day, name=name: target / f"export_date={day}" / name,
            options=options,
            columns=columns,
            where=f"is_json = {is_json}",
        )
    return con.execute("select count(*) from ticket_rows").fetchall()[0][0]
