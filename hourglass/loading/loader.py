"""The loader: every file of a source, one at a time, through
discover -> read -> choose columns -> validate into the staging tables (see
layout.py, staging.py), then the staged files in batches into `raw` (publishing.py)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import duckdb

from hourglass.contract import SOURCES, Source
from hourglass.loading.discovery import discover, file_hash, format_of
from hourglass.loading.layout import FileFormat
from hourglass.loading.manifest import FileRecord, previous_load
from hourglass.loading.publishing import publish_staged
from hourglass.loading.readers import READERS, first_line
from hourglass.loading.results import FileRejected, FileResult, SourceResult
from hourglass.loading.schema import configure, ensure_raw_schema
from hourglass.loading.staging import StagedFile, rejected_whole, stage_file
from hourglass.loading.validation import Plausible, checked_sql, native_types
from hourglass.sql import sql_literal

log = logging.getLogger(__name__)

FormatFor = Callable[[Source, str], FileFormat]
"""Given a source and a file's path relative to the landing dir, the FileFormat to
read it with (the format configuration of its folder, or the contract's default)."""

BATCH_ROWS = 1_000_000
"""Staged rows that make a batch: each publish costs one commit and one checkpoint,
and the staged rows wait in memory (or DuckDB's spill directory) until then. A
million rows is eight of DuckDB's 122,880-row groups, which a commit writes
straight to the file; only the last, partial group goes through the write-ahead log."""


class Loader:
    """Loads the landing zone of one warehouse connection, batch by batch.

    allowed: per source, per column, values that replace the contract's allowed
    set (e.g. the plan catalogue's ids). format_for: which FileFormat reads a
    file (default: the landing zone's format configurations, hourglass.formats).
    plausible: the timestamp window (default 2000-01-01 to 2 days after the
    load). memory_limit, threads and temp_directory are the DuckDB session limits
    (None: the connection's own). batch_rows: the staged rows that make a batch
    published in one transaction (BATCH_ROWS). No input file makes a method raise:
    a file that cannot be loaded is recorded as rejected with the cause.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        landing_dir: Path,
        batch_id: str,
        allowed: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
        format_for: FormatFor | None = None,
        plausible: Plausible | None = None,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_directory: str | None = None,
        batch_rows: int = BATCH_ROWS,
    ):
        self.con = con
        self.landing_dir = Path(landing_dir)
        self.batch_id = batch_id
        self.allowed = allowed or {}
        if format_for is None:
            # imported here: hourglass.formats builds on this package's layout
            from hourglass.formats.folders import FolderFormats

            format_for = FolderFormats(self.landing_dir)
        self.format_for = format_for
        self.plausible = plausible or Plausible()
        self.batch_rows = batch_rows
        self.staged_files = 0  # numbers the staged tables
        configure(con, memory_limit, threads, temp_directory)
        ensure_raw_schema(con)

    def load_source(self, name: str) -> SourceResult:
        """Load every new or changed file of one source (in byte order of path),
        publishing the staged files whenever they hold `batch_rows` rows or more,
        and at the end."""
        source = SOURCES[name]
        result = SourceResult(name)
        if not (self.landing_dir / name).is_dir():
            result.missing = True
            if source.required:
                log.warning("required source %s has no folder in %s", name, self.landing_dir)
            return result
        found = discover(self.landing_dir, name)
        result.ignored = list(found.ignored)
        for ignored, why in found.ignored.items():
            log.warning("ignored %s: %s", ignored, why)
        outcomes: list[FileResult] = []
        batch: list[StagedFile] = []
        for relative in found.accepted:
            staged = self._stage(source, relative)
            if isinstance(staged, FileResult):
                outcomes.append(staged)
                continue
            batch.append(staged)
            if sum(s.loaded + s.rejected for s in batch) >= self.batch_rows:
                outcomes += publish_staged(self.con, source, self.batch_id, batch)
                batch = []
        if batch:
            outcomes += publish_staged(self.con, source, self.batch_id, batch)
        by_file = {outcome.file: outcome for outcome in outcomes}
        result.files = [by_file[relative] for relative in found.accepted]
        return result

    def _stage(self, source: Source, relative: str) -> FileResult | StagedFile:
        """Stage one file (path relative to the landing dir) unless it is already loaded
        with the same content and the same format configuration (then its "unchanged"
        FileResult); a file that cannot be read is staged as rejected. A changed
        configuration (its `_format.yml` or the preset it names) reloads the file,
        replacing its rows."""
        path = self.landing_dir / relative
        file_format, format_hash = self._format(source, relative)
        try:
            size, digest = path.stat().st_size, file_hash(path)
        except OSError as exc:
            unopened = FileRecord(relative, 0, "", "rejected", format_hash=format_hash)
            return rejected_whole(unopened, f"cannot be opened: {exc.strerror}", False)
        previous = previous_load(self.con, source.name, relative)
        if previous == (digest, format_hash):
            return FileResult(source.name, relative, "unchanged")
        replacing = previous is not None
        status = "replaced" if replacing else "loaded"
        record = FileRecord(relative, size, digest, status, format_hash=format_hash)
        try:
            if isinstance(file_format, FileRejected):
                raise file_format
            checked = self._checked(source, file_format, path)
            self.staged_files += 1
            return stage_file(self.con, record, replacing, self.staged_files, checked)
        except FileRejected as exc:
            return rejected_whole(record, str(exc), replacing)
        except (duckdb.Error, ValueError, RuntimeError, OSError) as exc:
            # Not a value the rules foresee: the file is rejected, the load goes on.
            return rejected_whole(record, f"could not be loaded: {first_line(exc)}", replacing)

    def _format(
        self, source: Source, relative: str
    ) -> tuple[FileFormat | FileRejected, str | None]:
        """The file's FileFormat (or why its configuration cannot be used) and a hash
        of it, part of the load's identity (None: the contract's own layout)."""
        try:
            file_format: FileFormat | FileRejected = self.format_for(source, relative)
        except FileRejected as exc:
            file_format = exc
        if file_format == FileFormat():
            return file_format, None
        return file_format, hashlib.sha256(repr(file_format).encode()).hexdigest()

    def _checked(self, source: Source, file_format: FileFormat, path: Path) -> str:
        """Read the file into temp tables `_scan` and `_malformed`; return the SELECT
        validating `_scan` (validation.checked_sql)."""
        scan = READERS[format_of(path.name)](self.con, path, file_format.read)
        empty = not self.con.execute(
            "select exists (select 1 from _scan) or exists (select 1 from _malformed)"
        ).fetchall()[0][0]
        columns = {} if empty else file_format.columns(source, scan)
        return checked_sql(
            source,
            columns,
            self.allowed.get(source.name, {}),
            scan=scan,
            types=native_types(self.con, columns),
            missing_values=file_format.read.missing_values,
            plausible=self.plausible,
        )


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
    `options` are passed to Loader (format_for, plausible, memory_limit, ...)."""
    loader = Loader(
        con, landing_dir, batch_id, allowed={"subscriptions": {"plan_id": plan_ids(con)}}, **options
    )
    return {name: loader.load_source(name) for name in SOURCES}
