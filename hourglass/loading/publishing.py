"""Publish staged files (staging.py) into the working database: each file's rows,
rejects, the UTC days it changed and its manifest row in raw.loaded_files, for a
whole batch of files in one transaction, so a batch costs one commit and one
checkpoint. A crash leaves each file either wholly loaded or not at all.

When a batch cannot be published, its files are published one by one, and a
file that still fails is rejected whole with the cause: a bad file never takes
the others with it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping

import duckdb

from hourglass.contract import Source
from hourglass.loading.readers import first_line
from hourglass.loading.results import FileResult
from hourglass.loading.staging import StagedFile, drop_staged, rejected_whole

log = logging.getLogger(__name__)


def publish_staged(
    con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, files: list[StagedFile]
) -> list[FileResult]:
    """Publish `files` (in this order) in one transaction, or one by one if that
    fails, then drop their staged tables. Returns each file's outcome. Raises
    duckdb.Error only when not even a file's rejection can be written."""
    try:
        _publish(con, source, batch_id, files)
        published = files
    except duckdb.Error as exc:
        log.warning(
            "publishing %d files of %s at once failed (%s): publishing them one by one",
            len(files),
            source.name,
            first_line(exc),
        )
        published = [_publish_alone(con, source, batch_id, staged) for staged in files]
    drop_staged(con, files)
    return [
        FileResult(
            source.name,
            s.record.relative,
            s.record.status,
            s.loaded + s.rejected,
            s.loaded,
            s.rejected,
            s.record.error,
        )
        for s in published
    ]


def _publish_alone(
    con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, staged: StagedFile
) -> StagedFile:
    """Publish one file in its own transaction; if that fails, reject it whole with
    the cause. Returns the file as published."""
    try:
        _publish(con, source, batch_id, [staged])
        return staged
    except duckdb.Error as exc:
        reason = f"could not be loaded: {first_line(exc)}"
        rejected = rejected_whole(staged.record, reason, staged.replacing)
        _publish(con, source, batch_id, [rejected])
        return rejected


def _publish(
    con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, files: list[StagedFile]
) -> None:
    """Write `files` in one transaction (rolled back on any error, which is raised)."""
    con.execute("begin transaction")
    try:
        for staged in files:
            _write_file(con, source, batch_id, staged)
        con.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):  # a failed commit ended it
            con.execute("rollback")
        raise


def _write_file(
    con: duckdb.DuckDBPyConnection, source: Source, batch_id: str, staged: StagedFile
) -> None:
    """Replace what an earlier version of the file loaded with its staged rows and
    rejects (only a rejects row naming the cause when it is rejected whole), record
    the days both changed, and write its manifest row."""
    name, day, record = source.name, source.day_column, staged.record
    params = {"source": name, "file": record.relative, "batch": batch_id}
    if staged.replacing:  # the file was loaded before: its earlier rows and rejects go
        _execute(
            con,
            f"""insert into raw.changed_days
            select distinct $batch, $source, $file, cast(timezone('UTC', {day}) as date), now()
            from raw.{name} where _file = $file""",
            params,
        )
        _execute(con, f"delete from raw.{name} where _file = $file", params)
        _execute(con, "delete from raw.rejects where source = $source and file = $file", params)
    if record.error is None:
        _insert_rows(con, source, staged, params)
    else:
        _execute(
            con,
            "insert into raw.rejects values ($source, $file, null, null, $reason, $batch, now())",
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
            "read": staged.loaded + staged.rejected,
            "loaded": staged.loaded,
            "rejected": staged.rejected,
            "error": record.error,
        },
    )


def _insert_rows(
    con: duckdb.DuckDBPyConnection, source: Source, staged: StagedFile, params: dict
) -> None:
    name, checked = source.name, staged.checked
    columns = ", ".join(source.column_names)
    _execute(
        con,
        f"""insert into raw.{name} ({columns}, _file, _row_number, _batch_id, _loaded_at)
        select {columns}, $file, _row_number, $batch, now()
        from {checked} where _failed_reason is null""",
        params,
    )
    _execute(
        con,
        f"""insert into raw.changed_days
        select distinct $batch, $source, $file,
            cast(timezone('UTC', {source.day_column}) as date), now()
        from {checked} where _failed_reason is null""",
        params,
    )
    _execute(
        con,
        f"""insert into raw.rejects
        select $source, $file, _row_number, _failed_column, _failed_reason, $batch, now()
        from {checked} where _failed_reason is not null
        union all
        select $source, $file, _row_number, null, reason, $batch, now() from {staged.malformed}
        order by 3""",
        params,
    )


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> None:
    """Run SQL with the named parameters it uses (DuckDB refuses unused ones)."""
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
