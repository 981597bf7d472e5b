"""The raw schema's tables and the session settings of a loader connection."""

from __future__ import annotations

import duckdb

from hourglass.contract import SOURCES
from hourglass.sql import sql_literal


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per source, the manifest and the rejects table."""
    con.execute("create schema if not exists raw")
    for source in SOURCES.values():
        columns = ", ".join(f"{c.name} {c.sql_type}" for c in source.columns)
        con.execute(
            f"create table if not exists raw.{source.name} ({columns}, "
            "_file varchar not null, _row_number bigint not null, "
            "_batch_id varchar not null, _loaded_at timestamptz not null)"
        )
        # a working database made before a column joined the contract gains it
        for c in source.columns:
            con.execute(
                f"alter table raw.{source.name} add column if not exists {c.name} {c.sql_type}"
            )
    con.execute(
        """
        create table if not exists raw.loaded_files (
            source varchar not null,
            file varchar not null,
            size_bytes bigint not null,
            content_hash varchar not null,
            status varchar not null,
            rows_read bigint not null,
            rows_loaded bigint not null,
            rows_rejected bigint not null,
            error varchar,
            batch_id varchar not null,
            loaded_at timestamptz not null,
            format_hash varchar,
            primary key (source, file)
        )
        """
    )
    # warehouses made before the format configuration was part of a load's identity
    con.execute("alter table raw.loaded_files add column if not exists format_hash varchar")
    con.execute(
        """
        create table if not exists raw.rejects (
            source varchar not null,
            file varchar not null,
            row_number bigint,
            column_name varchar,
            reason varchar not null,
            batch_id varchar not null,
            rejected_at timestamptz not null
        )
        """
    )
    # The UTC days each load added or removed rows on, per source: what an
    # incremental build has to reprocess.
    con.execute(
        """
        create table if not exists raw.changed_days (
            batch_id varchar not null,
            source varchar not null,
            file varchar not null,
            date_day date not null,
            changed_at timestamptz not null
        )
        """
    )


def configure(
    con: duckdb.DuckDBPyConnection,
    memory_limit: str | None = None,
    threads: int | None = None,
    temp_directory: str | None = None,
) -> None:
    """Session settings every Hourglass connection needs: UTC, and the DuckDB limits
    the caller passes (e.g. `memory_limit='4GB'`, `threads=2`, a spill directory).
    A limit left None keeps DuckDB's own default. Reads no environment."""
    con.execute("set TimeZone = 'UTC'")
    if memory_limit:
        con.execute(f"set memory_limit = {sql_literal(memory_limit)}")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if temp_directory:
        con.execute(f"set temp_directory = {sql_literal(temp_directory)}")
