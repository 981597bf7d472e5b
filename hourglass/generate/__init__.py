"""Deterministic demo landing zone (`hourglass generate`).

The story the data tells: accounts that never activate, activate then stall,
run steadily, grow past their plan's quota, change plans, or churn; weekly
seasonality; error bursts; repeated request_ids; ticket exports with several
rows per ticket; community and program events; plan commitments and prepaid
credits that expire, are used up or run out mid-month; a late-arriving log file; a
small share of malformed rows; one unreadable file.

Read in this order: entities.py (who), requests.py and api_logs.py (the
gateway), accounts.py, support.py and community.py (the other sources),
messy.py (what goes wrong), writers.py (how files stay byte for byte the same).
Small tables are drawn with numpy from one seeded generator; row-level data is
expanded set-based in DuckDB with randomness from `hash(seed, ...)`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from hourglass.generate.accounts import write_applications, write_signups, write_subscriptions
from hourglass.generate.api_logs import write_api_logs
from hourglass.generate.community import write_community, write_programs
from hourglass.generate.credits import write_credit_grants
from hourglass.generate.entities import day_macro, draw_entities
from hourglass.generate.requests import create_requests, daily_counts
from hourglass.generate.support import write_tickets
from hourglass.settings import plans_seed

MARKER = ".hourglass-demo"  # generate only ever replaces a folder it wrote itself

__all__ = ["MARKER", "DemoConfig", "generate"]


@dataclass(frozen=True)
class DemoConfig:
    """What to generate. `days` end on `end_date` (UTC); `requests_per_day` is the
    average before weekly seasonality; `log_format` is `mixed` (Parquet, gzipped
    CSV and JSON lines by turns) or `parquet`; `plans` is the plan catalogue seed
    the accounts' plans come from; `memory_limit` is DuckDB's (e.g. `4GB`), None
    for DuckDB's default."""

    out: Path
    days: int = 90
    requests_per_day: int = 5000
    accounts: int = 200
    seed: int = 42
    end_date: dt.date = dt.date(2026, 11, 20)
    log_format: str = "mixed"
    plans: Path = field(default_factory=plans_seed)
    memory_limit: str | None = None


def generate(config: DemoConfig) -> dict[str, int]:
    """Write the landing zone into `config.out` (which must be empty, new, or
    written by generate before: FileExistsError otherwise); return the rows
    written per source, malformed rows included."""
    out = Path(config.out)
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise FileExistsError(
                f"{out} holds files that hourglass generate did not write; "
                "choose an empty or new folder"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by hourglass generate; safe to delete\n")
    rng = np.random.default_rng(config.seed)
    start = config.end_date - dt.timedelta(days=config.days - 1)
    # A scratch database on disk, so large landing zones can spill past memory.
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        con = duckdb.connect(str(Path(scratch) / "generate.duckdb"))
        con.execute("set TimeZone = 'UTC'")
        if config.memory_limit:
            con.execute(f"set memory_limit = '{config.memory_limit}'")
        con.execute(day_macro(start))
        con.execute(f"""
            create table plans as
            select plan_id, cast(monthly_fee_usd as double) as monthly_fee_usd,
                row_number() over () as position
            from read_csv('{config.plans}', header = true, all_varchar = true)
        """)
        plans = [
            p for (p,) in con.execute("select plan_id from plans order by position").fetchall()
        ]
        for name, table in draw_entities(rng, config.days, config.accounts, plans).items():
            con.register(f"_{name}", table)
            con.execute(f"create table {name} as select * from _{name}")
        signups = write_signups(con, out)
        applications = write_applications(con, out)
        app_days = daily_counts(con, rng, config.days, config.requests_per_day, start)
        requests = create_requests(con, rng, app_days, config.days, config.seed)
        write_api_logs(con, out, start, config.days, config.log_format == "parquet")
        counts = {
            "signups": signups,
            "applications": applications,
            "api_logs": requests,
            "support_tickets": write_tickets(con, rng, config.days, out),
            "community_events": write_community(con, rng, config.days, config.accounts, out),
            "program_events": write_programs(con, out),
            "subscriptions": write_subscriptions(con, out),
            "credit_grants": write_credit_grants(con, out),
        }
        con.close()
    return counts
