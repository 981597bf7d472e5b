"""The optional sources around the API: community events (awareness) and
program events (certification, audits, showcases)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from hourglass.contract import COMMUNITY_EVENTS
from hourglass.generate.messy import malformed_program_events
from hourglass.generate.writers import CSV, JSON_LINES_GZIP, append_lines, copy, copy_partitions

VISITS_PER_ACCOUNT_DAY = 1.0
PAGES_PER_VISIT = 2.5  # mean; a visit's events share its visitor and day
# Reading pages is most of what visitors do; the other kinds share what is left.
READING_SHARE = {"page_view": 0.55, "docs_view": 0.30}
KNOWN_SHARE = 0.3  # of visits by a known developer, around their sign-up


def event_type_shares() -> tuple[list[str], np.ndarray]:
    """The contract's community event types and the share of events of each."""
    types = list(next(c.allowed for c in COMMUNITY_EVENTS.columns if c.name == "event_type"))
    others = [t for t in types if t not in READING_SHARE]
    rest = (1.0 - sum(READING_SHARE.values())) / len(others)
    return types, np.array([READING_SHARE.get(t, rest) for t in types])


def draw_events(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, days: int, accounts: int
) -> pa.Table:
    """Visits by anonymous visitors (who come back on other days) and by known
    developers in the two weeks around their sign-up, each of a few events."""
    visits = int(accounts * days * VISITS_PER_ACCOUNT_DAY)
    developers = con.execute(
        "select visitor_id, developer_id, signup_day from developers order by dev_idx"
    ).fetchnumpy()
    known = rng.random(visits) < KNOWN_SHARE
    who = rng.integers(0, len(developers["visitor_id"]), size=visits)
    near_signup = np.clip(
        developers["signup_day"][who] + rng.integers(-14, 14, size=visits), 0, days - 1
    )
    day = np.where(known, near_signup, rng.integers(0, days, size=visits))
    anonymous = np.char.add("anon_", rng.integers(0, visits // 3 + 1, size=visits).astype(str))
    visitor = np.where(known, developers["visitor_id"][who], anonymous)
    developer = np.where(
        known & (near_signup >= developers["signup_day"][who]), developers["developer_id"][who], ""
    )
    pages = rng.geometric(1.0 / PAGES_PER_VISIT, size=visits)
    visit = np.repeat(np.arange(visits), pages)
    n = len(visit)
    step = np.arange(n) - np.repeat(np.cumsum(pages) - pages, pages)  # 0, 1, ... within a visit
    types, shares = event_type_shares()
    return pa.table(
        {
            "event_id": np.array([f"evt_{i:08d}" for i in range(n)]),
            "day": day[visit],
            # a page a minute from the visit's start, within the day
            "second": np.minimum(rng.integers(0, 86400, size=visits)[visit] + 60 * step, 86399),
            "event_type": rng.choice(types, size=n, p=shares),
            "visitor_id": visitor[visit],
            "developer_id": developer[visit],
            "channel": rng.choice(["web", "docs", "github", "twitter", "newsletter"], size=n),
        }
    )


def write_community(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, days: int, accounts: int, out: Path
) -> int:
    """community_events/week=YYYY-Www/events.jsonl.gz; 1% of events repeated
    without a url. Returns the distinct events."""
    con.register("_events", draw_events(con, rng, days, accounts))
    con.execute("""
        create table community_rows as
        select event_id, day_ts(day, second) as occurred_at, event_type, visitor_id,
            nullif(developer_id, '') as developer_id,
            'https://developer.example.com/' || event_type || '/' || (hash(event_id) % 50) as url,
            channel, strftime(day_ts(day, 0), '%G-W%V') as week
        from _events
        union all  -- a repeated event counts once
        select event_id, day_ts(day, second), event_type, visitor_id,
            nullif(developer_id, ''), null, channel, strftime(day_ts(day, 0), '%G-W%V')
        from _events where hash(event_id) % 100 = 0
    """)
    target = out / "community_events"
    copy_partitions(
        con,
        "community_rows",
        key="week",
        order="occurred_at, event_id, url nulls first",
        path=lambda week: target / f"week={week}" / "events.jsonl.gz",
        options=JSON_LINES_GZIP,
        columns="* exclude (week)",
    )
    return con.execute("select count(distinct event_id) from community_rows").fetchall()[0][0]


def write_programs(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """Certification of developers and applications before production, audits of
    both after it, showcases of both. Returns the rows written."""
    con.execute("""
        create table program_rows as
        with producing as (
            select t.app_id, t.developer_id, t.production_at
            from app_times as t where t.production_at is not null
        ),
        events as (
            -- some developers fail the exam once before they pass
            select developer_id as subject_id, 'developer' as subject_type,
                'certification' as program, 'failed' as outcome,
                production_at - interval 3 day as occurred_at
            from producing where hash(developer_id, 'fail') % 4 = 0
            union all
            select developer_id, 'developer', 'certification', 'passed',
                production_at - interval 1 day from producing
            where hash(developer_id, 'cert') % 3 <> 0
            union all
            select app_id, 'application', 'certification', 'passed',
                production_at - interval 12 hour from producing where hash(app_id, 'c') % 2 = 0
            union all
            select app_id, 'application', 'audit',
                case when hash(app_id, 'audit') % 5 = 0 then 'failed' else 'passed' end,
                production_at + interval 10 day from producing where hash(app_id, 'a') % 2 = 0
            union all
            select developer_id, 'developer', 'audit',
                case when hash(developer_id, 'audit') % 6 = 0 then 'failed' else 'passed' end,
                production_at + interval 5 day from producing where hash(developer_id, 'a') % 3 = 0
            union all
            select app_id, 'application', 'showcase', 'featured',
                production_at + interval 14 day from producing where hash(app_id, 's') % 4 = 0
            union all
            select app_id, 'application', 'showcase', 'removed',
                production_at + interval 24 day from producing where hash(app_id, 's') % 8 = 0
            union all
            select developer_id, 'developer', 'showcase', 'featured',
                production_at + interval 7 day from producing where hash(developer_id, 's') % 6 = 0
        )
        select distinct
            'prg_' || lower(hex(hash(subject_id, program, outcome, occurred_at))) as event_id,
            occurred_at, program, subject_type, subject_id, outcome
        from events
        where occurred_at <= (select max(requested_at) from requests)
    """)
    target = out / "program_events" / "program_events.csv"
    copy(con, "select * from program_rows order by occurred_at, event_id", target, CSV)
    rows = con.execute("select count(*) from program_rows").fetchall()[0][0]
    bad = malformed_program_events(rows // 100)
    append_lines(target, bad)
    return rows + len(bad)
