"""Data checks on a load, computed in the working database (no Dagster here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from hourglass.run_history import load_stats


@dataclass(frozen=True)
class RejectRate:
    rows_read: int
    rows_rejected: int
    files_rejected: int

    @property
    def share(self) -> float:
        return self.rows_rejected / self.rows_read if self.rows_read else 0.0


def reject_rate(con: duckdb.DuckDBPyConnection, source: str, batch_id: str) -> RejectRate:
    """Rows read and rejected, and files rejected whole, for one source in one run."""
    stats = load_stats(con, batch_id).get(source)
    if stats is None:  # nothing of this source was loaded in the run
        return RejectRate(0, 0, 0)
    return RejectRate(stats["rows_read"], stats["rows_rejected"], stats["files_rejected"])


def unconserved_files(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    """Files whose rows read differ from rows loaded plus rejected, or whose counts
    differ from what the raw table and the rejects table hold for them."""
    return [
        row[0]
        for row in con.execute(
            f"""
            with loaded as (
                select _file as file, count(*) as n from raw.{source} group by 1
            ),
            rejected as (
                select file, count(*) as n from raw.rejects
                where source = $source and row_number is not null group by 1
            )
            select f.file from raw.loaded_files as f
            left join loaded as l on l.file = f.file
            left join rejected as r on r.file = f.file
            where f.source = $source
              and (f.rows_read <> f.rows_loaded + f.rows_rejected
                   or f.rows_loaded <> coalesce(l.n, 0)
                   or f.rows_rejected <> coalesce(r.n, 0))
            order by 1
            """,
            {"source": source},
        ).fetchall()
    ]


def newest_request_age_hours(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> float | None:
    """Hours between `now` and the newest landed request; None when there is none."""
    newest = con.execute("select max(requested_at) from raw.api_logs").fetchall()[0][0]
    if newest is None:
        return None
    return (now - newest).total_seconds() / 3600
