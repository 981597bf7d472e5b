"""Sessions on the working database, and which published file it belongs to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from hourglass.settings import Settings


@contextmanager
def connect(settings: Settings, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A session on `settings.work_path` with dbt's DuckDB limits and UTC days;
    a write session creates the file (and its folder) when it is new."""
    if not read_only:
        settings.work_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        str(settings.work_path), read_only=read_only, config=settings.duckdb_config
    )
    try:
        con.execute("set TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def claim(con: duckdb.DuckDBPyConnection, published_path: Path) -> None:
    """Record that this working database builds `published_path`, or raise
    ValueError when it already builds another published file: a run must not
    publish the data another landing zone loaded."""
    con.execute("create schema if not exists ops")
    con.execute("create table if not exists ops.published_to (published_path varchar not null)")
    owner = con.execute("select published_path from ops.published_to").fetchall()
    if not owner:
        con.execute("insert into ops.published_to values (?)", [str(published_path)])
    elif owner[0][0] != str(published_path):
        database = con.execute(
            "select path from duckdb_databases() where database_name = current_database()"
        ).fetchall()[0][0]
        raise ValueError(
            f"the working database {database} builds {owner[0][0]}, not {published_path}: "
            "set HOURGLASS_WORK_PATH to a working database of its own"
        )
