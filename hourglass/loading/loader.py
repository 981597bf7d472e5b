"""The loader: every file of a source, one at a time, through
discover -> read -> choose columns -> validate -> commit (see layout.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import duckdb

from hourglass.contract import ACCEPTED_EXTENSIONS, SOURCES, Source
from hourglass.loading.discovery import discover_files, file_hash, format_of
from hourglass.loading.layout import FileFormat
from hourglass.loading.manifest import FileRecord, commit_file, previous_hash
from hourglass.loading.readers import READERS
from hourglass.loading.results import FileRejected, FileResult, SourceResult
from hourglass.loading.schema import configure, ensure_raw_schema
from hourglass.loading.validation import checked_sql
from hourglass.sql import sql_literal

log = logging.getLogger(__name__)

FormatFor = Callable[[Source, str], FileFormat]
"""Given a source and a file's path relative to the landing dir, the FileFormat to
read it with (the format configuration of its folder, or the contract's default)."""


def _default_format(source: Source, relative: str) -> FileFormat:
    return FileFormat()


class Loader:
    """Loads the landing zone of one warehouse connection, batch by batch.

    allowed: per source, per column, values that replace the contract's allowed
    set (e.g. the plan catalogue's ids). format_for: which FileFormat reads a
    file (default: the contract's own layout). memory_limit, threads and
    temp_directory are the DuckDB session limits (None: DuckDB's default).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        landing_dir: Path,
        batch_id: str,
        allowed: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
        format_for: FormatFor = _default_format,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_directory: str | None = None,
    ):
        self.con = con
        self.landing_dir = Path(landing_dir)
        self.batch_id = batch_id
        self.allowed = allowed or {}
        self.format_for = format_for
        configure(con, memory_limit, threads, temp_directory)
        ensure_raw_schema(con)

    def load_source(self, name: str) -> SourceResult:
        """Load every new or changed file of one source (in byte order of path)."""
        source = SOURCES[name]
        result = SourceResult(name)
        if not (self.landing_dir / name).is_dir():
            result.missing = True
            if source.required:
                log.warning("required source %s has no folder in %s", name, self.landing_dir)
            return result
        files, result.ignored = discover_files(self.landing_dir, name)
        for ignored in result.ignored:
            log.warning("ignored %s: not an accepted file type %s", ignored, ACCEPTED_EXTENSIONS)
        for relative in files:
            result.files.append(self.load_file(source, relative))
        return result

    def load_file(self, source: Source, relative: str) -> FileResult:
        """Load one file (path relative to the landing dir) unless its content is
        already loaded; a file that cannot be read is recorded as rejected."""
        path = self.landing_dir / relative
        digest = file_hash(path)
        previous = previous_hash(self.con, source.name, relative)
        if previous == digest:
            return FileResult(source.name, relative, "unchanged")
        replacing = previous is not None
        size = path.stat().st_size
        try:
            file_format = self.format_for(source, relative)
            scan = READERS[format_of(path.name)](self.con, path, file_format.read)
            columns = file_format.columns(source, scan)
        except FileRejected as exc:
            error = f"{relative}: {exc}"
            log.error("rejected file %s", error)
            record = FileRecord(relative, size, digest, "rejected", error)
            commit_file(self.con, source, record, self.batch_id, replacing)
            return FileResult(source.name, relative, "rejected", error=error)
        self.con.execute(
            "create or replace temp table _checked as "
            + checked_sql(source, columns, self.allowed.get(source.name, {}))
        )
        status = "replaced" if replacing else "loaded"
        record = FileRecord(relative, size, digest, status)
        counts = commit_file(self.con, source, record, self.batch_id, replacing)
        return FileResult(source.name, relative, status, *counts)


def plan_ids(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> list[str]:
    """Plan ids of the catalogue seed: what a subscriptions row may name."""
    from hourglass.settings import plans_seed

    seed = path or plans_seed()
    rows = con.execute(
        f"select plan_id from read_csv({sql_literal(str(seed))}, header = true, all_varchar = true)"
    ).fetchall()
    return [r[0] for r in rows]


def load_landing(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, batch_id: str, **options
) -> dict[str, SourceResult]:
    """Load every source of the landing zone (what the nightly job's loader assets do).
    `options` are passed to Loader (format_for, memory_limit, threads, temp_directory)."""
    loader = Loader(
        con, landing_dir, batch_id, allowed={"subscriptions": {"plan_id": plan_ids(con)}}, **options
    )
    return {name: loader.load_source(name) for name in SOURCES}
