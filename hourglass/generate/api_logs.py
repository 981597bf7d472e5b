"""api_logs: the gateway's exports, one folder per day, in Parquet, gzipped CSV
and gzipped JSON lines by turns (or Parquet only), plus a late file and the mess."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from hourglass.generate.messy import break_log_files, shipped_log_rows
from hourglass.generate.writers import (
    CSV_GZIP,
    JSON_LINES,
    JSON_LINES_GZIP,
    PARQUET,
    copy,
    copy_partitions,
)

# a total order for log rows, so files come out byte for byte the same
LOG_ORDER = "requested_at, request_id, environment, app_id nulls first, latency_ms nulls first"
COLUMNS = (
    "request_id, requested_at, app_id, environment, method, path, status_code, "
    "latency_ms, request_bytes, response_bytes, end_user_id"
)
FORMATS = {  # file name: COPY options
    "requests.parquet": PARQUET,
    "requests.csv.gz": CSV_GZIP,
    "requests.jsonl.gz": JSON_LINES_GZIP,
}


def write_api_logs(
    con: duckdb.DuckDBPyConnection, out: Path, start: dt.date, days: int, parquet_only: bool
) -> None:
    """Write `requests` as the gateway ships it (see messy.shipped_log_rows): day
    number d's on-time rows go to `date=<day>/` in the format d % 3 picks. The late
    rows of one day arrive in the last day's folder with a few repeats."""
    target = out / "api_logs"
    late_day = max(days - 6, 0)
    shipped_log_rows(con, late_day)
    formats = list(FORMATS.items())[:1] if parquet_only else list(FORMATS.items())
    for number, (name, options) in enumerate(formats):
        copy_partitions(
            con,
            "log_rows",
            key="day",
            order=LOG_ORDER,
            path=lambda day, name=name: target / f"date={start + dt.timedelta(day)}" / name,
            options=options,
            columns=COLUMNS,
            where=f"delivery = 'on_time' and day % {len(formats)} = {number}",
        )
    late_date = start + dt.timedelta(late_day)
    end_date = start + dt.timedelta(days - 1)
    copy(
        con,
        f"""
        select {COLUMNS} from log_rows where delivery = 'late'
        union all  -- repeating a few request_ids the on-time file already had
        select {COLUMNS} from log_rows where day = {late_day} and delivery = 'on_time'
            and hash(request_id, 'late') % 200 = 0
        order by {LOG_ORDER}
        """,
        target / f"date={end_date}" / f"late-delivery-{late_date}.jsonl",
        JSON_LINES,
    )
    break_log_files(target, str(start + dt.timedelta(days=days // 2)))
