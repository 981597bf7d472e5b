"""Writing landing files from DuckDB, byte for byte the same on every run.

Every file is one ordered COPY. DuckDB's `PARTITION_BY` is not used: its
threads append sorted chunks to a partition's file in whatever order they
finish, so the same rows came out in a different order from run to run. A COPY
per partition value keeps each file in its ORDER BY order at every size.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

# Offsets in the text, as exporters write them: some rows in +02:00.
ISO_TEXT = (
    "case when hash({key}) % 5 = 0 "
    "then strftime({ts} + interval 2 hour, '%Y-%m-%d %H:%M:%S') || '+02:00' "
    "else strftime({ts}, '%Y-%m-%dT%H:%M:%S.%gZ') end"
)
CSV = "FORMAT csv, HEADER"
CSV_GZIP = "FORMAT csv, HEADER, COMPRESSION gzip"
JSON_LINES = "FORMAT json"
JSON_LINES_GZIP = "FORMAT json, COMPRESSION gzip"
PARQUET = "FORMAT parquet"


def iso_text(key: str, ts: str) -> str:
    """SQL for `ts` as ISO-8601 text; a fifth of the rows (by `hash(key)`) in +02:00."""
    return ISO_TEXT.format(key=key, ts=ts)


def copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, options: str) -> None:
    """Write the rows of `query` (which orders them totally) to one file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({query}) to '{target}' ({options})")


def copy_partitions(
    con: duckdb.DuckDBPyConnection,
    source: str,
    key: str,
    order: str,
    path: Callable[[object], Path],
    options: str,
    columns: str = "*",
    where: str = "true",
) -> int:
    """For each distinct value v of `key` in `source` (a table or a parenthesised
    query) meeting `where`, write `select columns from source where key = v
    order by order` to `path(v)`. `key` should be a plain integer or text column, so the filter is
    pushed into the scan. Returns the number of files written."""
    values = [
        v
        for (v,) in con.execute(
            f"select distinct {key} from {source} where {where} order by 1"
        ).fetchall()
    ]
    for value in values:
        literal = str(value) if isinstance(value, int) else f"'{value}'"
        query = (
            f"select {columns} from {source} where {where} and {key} = {literal} order by {order}"
        )
        copy(con, query, path(value), options)
    return len(values)


def append_lines(path: Path, lines: list[str]) -> None:
    """Append text lines to a plain-text landing file."""
    with path.open("a") as handle:
        handle.writelines(line + "\n" for line in lines)
