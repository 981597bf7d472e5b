"""The validated raw schema as Parquet, for engines that cannot open the DuckDB file.

The loaders validate every landing file once, into the working database's `raw`
schema; Spark reads what they validated, never the landing files, so the
contract's value rules are written once (hourglass/loading). Each raw table is
written to `<directory>/<table>/` (one folder per table, which dbt registers as
an external table of the same name in Spark's `raw` schema: see
macros/raw_tables.sql). A table's folder is replaced whole by a rename, so a
reader sees the old or the new rows, never a mix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from hourglass.contract import SOURCES
from hourglass.sql import sql_literal

# what the loaders write beside the sources: the manifest, the rejects, the changed days
LOADER_TABLES = ("loaded_files", "rejects", "changed_days")
RAW_TABLES = (*SOURCES, *LOADER_TABLES)


def export_raw(
    con: duckdb.DuckDBPyConnection, directory: Path, tables: tuple[str, ...] = RAW_TABLES
) -> dict[str, int]:
    """Write each of `tables` (names in the raw schema) to `directory/<table>/part-0.parquet`,
    replacing that table's previous export. Returns the rows written per table.

    An empty table is written as a Parquet file of 0 rows with its columns, so Spark
    still finds its schema. Raises duckdb.Error when a table does not exist."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for table in tables:
        target, fresh, stale = (
            directory / table,
            directory / f".{table}.new",
            directory / f".{table}.old",
        )
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)
        fresh.mkdir()
        con.execute(f"copy raw.{table} to {sql_literal(fresh / 'part-0.parquet')} (format parquet)")
        written[table] = con.execute(f"select count(*) from raw.{table}").fetchall()[0][0]
        if target.exists():
            target.rename(stale)
        fresh.rename(target)
        shutil.rmtree(stale, ignore_errors=True)
    return written
