"""Write one file's outcome in a single transaction: its rows, its rejects, the UTC
days it changed and its manifest row in raw.loaded_files. A crash leaves either
the whole file loaded or none of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from hourglass.contract import Source


def previous_load(
    con: duckdb.DuckDBPyConnection, source: str, relative: str
) -> tuple[str, str | None] | None:
    """What the manifest holds for a file: (content hash, format hash), None if it was
    never loaded."""
    found = con.execute(
        "select content_hash, format_hash from raw.loaded_files where source = ? and file = ?",
        [source, relative],
    ).fetchall()
    return found[0] if found else None


@dataclass(frozen=True)
class FileRecord:
    """The manifest facts of one file version: its relative path, size in bytes,
    SHA-256, status, the file-level error (None unless rejected whole) and the hash
    of the format configuration it was read with (None: the contract's own layout)."""

    relative: str
    size_bytes: int
    digest: str
    status: str
    error: str | None = None
    format_hash: str | None = None


def commit_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    record: FileRecord,
    batch_id: str,
    replacing: bool,
) -> tuple[int, int, int]:
    """Load the file's rows from temp tables `_checked` and `_malformed` (unless
    record.error is set), replacing what an earlier version of it loaded, and
    record it in the manifest, in one transaction. Returns (read, loaded, rejected)."""
    name, day = source.name, source.day_column
    params = {"source": name, "file": record.relative, "batch": batch_id}
    con.execute("begin transaction")
    try:
        if replacing:  # the file was loaded before: its earlier rows and rejects go
            _execute(
                con,
                f"""insert into raw.changed_days
                select distinct $batch, $source, $file, cast(timezone('UTC', {day}) as date),
                    now()
                from raw.{name} where _file = $file""",
                params,
            )
            _execute(con, f"delete from raw.{name} where _file = $file", params)
            _execute(con, "delete from raw.rejects where source = $source and file = $file", params)
        if record.error is None:
            loaded, rejected = _insert_rows(con, source, params)
        else:
            loaded, rejected = 0, 0
            _execute(
                con,
                "insert into raw.rejects values ($source, $file, null, null, $reason, $batch,"
                " now())",
                {**params, "reason": record.error},
            )
        _execute(
            con,
            """insert or replace into raw.loaded_files (source, file, size_bytes, content_hash,
                status, rows_read, rows_loaded, rows_rejected, error, batch_id, loaded_at,
                format_hash)
            values ($source, $file, $size, $hash, $status, $read, $loaded, $rejected, $error,
                $batch, now(), $format)""",
            {
                **params,
                "format": record.format_hash,
                "size": record.size_bytes,
                "hash": record.digest,
                "status": record.status,
                "read": loaded + rejected,
                "loaded": loaded,
                "rejected": rejected,
                "error": record.error,
            },
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return loaded + rejected, loaded, rejected


def _insert_rows(con: duckdb.DuckDBPyConnection, source: Source, params: dict) -> tuple[int, int]:
    name = source.name
    columns = ", ".join(source.column_names)
    _execute(
        con,
        f"""insert into raw.{name} ({columns}, _file, _row_number, _batch_id, _loaded_at)
        select {columns}, $file, _row_number, $batch, now()
        from _checked where _failed_reason is null""",
        params,
    )
    _execute(
        con,
        f"""insert into raw.changed_days
        select distinct $batch, $source, $file,
            cast(timezone('UTC', {source.day_column}) as date), now()
        from _checked where _failed_reason is null""",
        params,
    )
    _execute(
        con,
        """insert into raw.rejects
        select $source, $file, _row_number, _failed_column, _failed_reason, $batch, now()
        from _checked where _failed_reason is not null
        union all
        select $source, $file, _row_number, null, reason, $batch, now() from _malformed
        order by 3""",
        params,
    )
    loaded, rejected = con.execute(
        """select count(*) filter (where _failed_reason is null),
                  count(*) filter (where _failed_reason is not null)
                         + (select count(*) from _malformed)
           from _checked"""
    ).fetchall()[0]
    return loaded, rejected


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> None:
    """Run SQL with the named parameters it uses (DuckDB refuses unused ones)."""
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
