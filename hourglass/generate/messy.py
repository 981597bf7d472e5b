"""The mess real landing zones have, in one place: malformed rows, repeated and
corrupted log rows, a line with too many columns, a cut-off file, a stray README.

Each is small (about 0.1-1% of a source) so the loader's reject share stays
well under the run's limit while every reject reason shows up."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb

# At-least-once shipping: this share of requests is delivered twice.
REPEATED_SHARE = 0.005


def malformed_signups(count: int) -> list[str]:
    """CSV lines with an empty account_id or an unparsable timestamp."""
    return [
        f"dev_bad_{i},{'' if i % 2 else 'acc_bad'},{'2026-01-01T00:00:00Z' if i % 2 else 'soon'},"
        ",free,organic,,US"
        for i in range(count)
    ]


def malformed_program_events(count: int) -> list[str]:
    """CSV lines whose outcome audits do not have."""
    return [
        f"prg_bad_{i},2026-11-01T00:00:00Z,audit,application,app_x,revoked" for i in range(count)
    ]


def shipped_log_rows(con: duckdb.DuckDBPyConnection, late_day: int) -> None:
    """`log_rows` from `requests`: what the gateway shipped. A few requests of
    `late_day` arrive late, ~0.5% twice, and ~0.1% with a value the contract
    rejects (environment `staging`, a negative latency, no app_id). Ordered by
    day, so each day's files read only that day's blocks."""
    con.execute(f"""
        create table log_rows as
        select * exclude (u1, u3),
            case when day = {late_day} and u3 < 0.05 then 'late' else 'on_time' end as delivery
        from requests
        union all
        select * exclude (u1, u3), 'on_time' from requests where u1 < {REPEATED_SHARE}
        order by day
    """)
    con.execute("""
        update log_rows set
            environment = case when hash(request_id) % 3 = 0 then 'staging' else environment end,
            latency_ms = case when hash(request_id) % 3 = 1 then -5 else latency_ms end,
            app_id = case when hash(request_id) % 3 = 2 then null else app_id end
        where hash(request_id, 'corrupt') % 1000 = 0
    """)


def break_log_files(api_logs: Path, middle_day: str) -> None:
    """A CSV line with too many columns, a Parquet file cut off in transfer (in the
    `date=<middle_day>` folder) and a README nobody should load."""
    csv_files = sorted(api_logs.rglob("*.csv.gz"))
    if csv_files:
        # mtime=0: a gzip member stamped with the clock would break determinism
        with gzip.GzipFile(csv_files[0], "ab", mtime=0) as handle:
            handle.write(
                b"req_broken,2026-01-01T00:00:00Z,app_x,sandbox,GET,/v1/hello,200,1,2,3,eu,x\n"
            )
    corrupt = api_logs / f"date={middle_day}" / "export-retry.parquet"
    corrupt.parent.mkdir(parents=True, exist_ok=True)
    corrupt.write_bytes(b"PAR1 this transfer was cut off")
    (api_logs / "README.txt").write_text("Gateway log exports, one folder per day.\n")
