"""Validated files waiting to be published: each staged file keeps its checked rows
in temporary table `_checked_<n>` (validation.checked_sql's shape) and the records
its reader set aside in `_malformed_<n>` (_row_number, reason). Temporary tables
live in the loader's session: nothing of the working database changes until
publishing.py writes the files."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import duckdb

from hourglass.loading.manifest import FileRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StagedFile:
    """A file ready to publish: its manifest facts, whether it replaces an earlier
    load, and (unless record.error says it is rejected whole) its staged tables'
    number n with its rows loaded and rejected."""

    record: FileRecord
    replacing: bool
    number: int | None = None
    loaded: int = 0
    rejected: int = 0

    @property
    def checked(self) -> str:
        return f"_checked_{self.number}"

    @property
    def malformed(self) -> str:
        return f"_malformed_{self.number}"


def rejected_whole(record: FileRecord, reason: str, replacing: bool) -> StagedFile:
    """The file (as `record` describes it) to publish as rejected whole for `reason`:
    its manifest row and one rejects row naming `<file>: <reason>`; logged."""
    error = f"{record.relative}: {reason}"
    log.error("rejected file %s", error)
    return StagedFile(replace(record, status="rejected", error=error), replacing)


def stage_file(
    con: duckdb.DuckDBPyConnection,
    record: FileRecord,
    replacing: bool,
    number: int,
    checked: str,
) -> StagedFile:
    """Stage a read file as number `number`: the rows of the SELECT `checked`
    (validation.checked_sql over the reader's `_scan`) into `_checked_<number>`, and
    the reader's `_malformed` into `_malformed_<number>`. Raises duckdb.Error when a
    value cannot be evaluated; nothing of the file is then staged."""
    staged = StagedFile(record, replacing, number)
    try:
        con.execute(f"create or replace temp table {staged.checked} as {checked}")
        con.execute(f"create or replace temp table {staged.malformed} as from _malformed")
    except BaseException:
        drop_staged(con, [staged])
        raise
    loaded, rejected = con.execute(
        f"""select count(*) filter (where _failed_reason is null),
                   count(*) filter (where _failed_reason is not null)
                         + (select count(*) from {staged.malformed})
           from {staged.checked}"""
    ).fetchall()[0]
    return StagedFile(record, replacing, number, loaded, rejected)


def drop_staged(con: duckdb.DuckDBPyConnection, files: list[StagedFile]) -> None:
    """Drop the staged tables of `files`."""
    for staged in files:
        if staged.number is not None:
            con.execute(f"drop table if exists {staged.checked}")
            con.execute(f"drop table if exists {staged.malformed}")
