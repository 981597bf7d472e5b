"""Load landing files into the DuckDB `raw` schema (CONTRACT.md section 1).

Each file is read by DuckDB's own readers, validated and typed in one
set-based SQL pass, and written in a single transaction together with its
manifest row: a crash leaves either the whole file loaded or none of it.
Rows that fail validation go to `raw.rejects`; per file,
rows_read = rows_loaded + rows_rejected.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hourglass.contract import ACCEPTED_EXTENSIONS, SOURCES, Column, Source

log = logging.getLogger(__name__)

_JSON_DELIMITER = "\x1f"  # a byte that never occurs in JSON text: one column per line


class FileRejected(Exception):
    """The whole file cannot be read; the message names the problem."""


@dataclass
class FileResult:
    source: str
    file: str
    status: str  # loaded | replaced | unchanged | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str | None = None


@dataclass
class SourceResult:
    source: str
    missing: bool = False
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)

    @property
    def files_rejected(self) -> int:
        return sum(1 for f in self.files if f.status == "rejected")

    @property
    def reject_share(self) -> float:
        read = self.total("rows_read")
        return self.total("rows_rejected") / read if read else 0.0


def sql_literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
            primary key (source, file)
        )
        """
    )
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


def configure(con: duckdb.DuckDBPyConnection) -> None:
    """Session settings every Hourglass connection needs: UTC, and the same DuckDB
    limits as dbt's profile when they are set."""
    con.execute("set TimeZone = 'UTC'")
    limit = os.environ.get("HOURGLASS_DUCKDB_MEMORY_LIMIT")
    if limit:
        con.execute(f"set memory_limit = {sql_literal(limit)}")
    threads = os.environ.get("HOURGLASS_DUCKDB_THREADS")
    if threads:
        con.execute(f"set threads = {int(threads)}")


def discover_files(landing_dir: Path, source: str) -> tuple[list[str], list[str]]:
    """Accepted and ignored files of a source, as paths relative to the landing dir,
    in byte order of the relative path (the contract's tie-break order)."""
    root = landing_dir / source
    if not root.is_dir():
        return [], []
    accepted, ignored = [], []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(landing_dir).as_posix()
        if path.name.lower().endswith(ACCEPTED_EXTENSIONS):
            accepted.append(relative)
        else:
            ignored.append(relative)
    key = lambda p: p.encode()  # noqa: E731
    return sorted(accepted, key=key), sorted(ignored, key=key)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _format_of(path: str) -> str:
    name = path.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    return "json"


def _read_lines_sql(path: Path) -> str:
    """A one-column scan of a text file (gzip by extension): one row per line, in order."""
    return (
        f"read_csv({sql_literal(str(path))}, columns = {{'line': 'VARCHAR'}}, header = false, "
        f"delim = {sql_literal(_JSON_DELIMITER)}, quote = '', escape = '', auto_detect = false, "
        "strict_mode = false)"
    )


def _scan_csv(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Read a CSV into temp table _scan (all text, plus _row_number).

    The header is read as a line and parsed here, so the data scan needs no
    sniffing: malformed lines (wrong column count, broken quoting) go to
    _malformed with their data-row number. Returns lower-case name -> actual name.
    """
    try:
        first = con.execute(f"select line from {_read_lines_sql(path)} limit 1").fetchall()
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable CSV file: {_first_line(exc)}") from exc
    header = next(csv.reader([first[0][0] or ""])) if first else []
    if not header or header == [""]:
        raise FileRejected("not a readable CSV file: no header line")
    columns = "{" + ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in header) + "}"
    options = (
        f"header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"columns = {columns}"
    )
    names = {n.lower(): n for n in header}
    con.execute("drop table if exists _csv_rejects; drop table if exists _csv_scans")
    try:
        con.execute(
            f"""
            create or replace temp table _parsed as
            select * from read_csv({sql_literal(str(path))}, {options},
                store_rejects = true, rejects_table = '_csv_rejects',
                rejects_scan = '_csv_scans')
            """
        )
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable CSV file: {_first_line(exc)}") from exc
    con.execute(
        """
        create or replace temp table _malformed as
        select distinct on (line) line - 1 as _row_number,
            'malformed CSV row: ' || error_message as reason
        from _csv_rejects order by line
        """
    )
    # Good rows keep file order (insertion order is preserved); their row numbers
    # are the numbers 1..N that no malformed row took, in order.
    con.execute(
        """
        create or replace temp table _scan as
        with numbers as (
            select n as _row_number, row_number() over (order by n) as position
            from range(1, (select count(*) from _parsed) + (select count(*) from _malformed) + 1)
                as t(n)
            where n not in (select _row_number from _malformed)
        ),
        parsed as (select *, rowid + 1 as position from _parsed)
        select numbers._row_number, parsed.* exclude (position)
        from parsed inner join numbers using (position)
        """
    )
    return names


def _scan_json(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Read JSON lines into temp table _scan (one text column per key, plus _row_number)."""
    try:
        con.execute(
            f"create or replace temp table _lines as select line from {_read_lines_sql(path)}"
        )
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable JSON lines file: {_first_line(exc)}") from exc
    con.execute(
        """
        create or replace temp table _numbered as
        select rowid + 1 as _row_number, line,
            coalesce(case when json_valid(line) then json_type(line) = 'OBJECT' end, false)
            as is_object
        from _lines
        """
    )
    con.execute(
        """
        create or replace temp table _malformed as
        select _row_number, 'unparsable JSON line' as reason
        from _numbered where not is_object and trim(coalesce(line, '')) <> ''
        """
    )
    keys = [
        row[0]
        for row in con.execute(
            "select distinct unnest(json_keys(line)) from _numbered where is_object order by 1"
        ).fetchall()
    ]
    by_name: dict[str, list[str]] = {}
    for key in keys:
        by_name.setdefault(key.lower(), []).append(key)
    # One text column per distinct lower-case key (several spellings coalesced).
    selects = []
    for lower, spellings in by_name.items():
        extracts = [
            f"json_extract_string(line, {sql_literal('$.' + _json_key(k))})" for k in spellings
        ]
        expression = extracts[0] if len(extracts) == 1 else f"coalesce({', '.join(extracts)})"
        selects.append(f"{expression} as {_identifier(lower)}")
    columns = "".join(", " + s for s in selects)
    con.execute(
        f"create or replace temp table _scan as select _row_number{columns} "
        "from _numbered where is_object"
    )
    return {lower: lower for lower in by_name}


def _json_key(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scan_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    try:
        con.execute(
            f"""
            create or replace temp table _scan as
            select file_row_number + 1 as _row_number, * exclude (file_row_number)
            from read_parquet({sql_literal(str(path))}, file_row_number = true)
            """
        )
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable Parquet file: {_first_line(exc)}") from exc
    con.execute("create or replace temp table _malformed (_row_number bigint, reason varchar)")
    names = [row[0] for row in con.execute("describe _scan").fetchall()]
    return {n.lower(): n for n in names if n != "_row_number"}


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> None:
    """Run SQL with the named parameters it uses (DuckDB refuses unused ones)."""
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def _checked_sql(
    source: Source,
    present: Mapping[str, str],
    text_columns: set[str],
    allowed: Mapping[str, Iterable[str]],
) -> str:
    """SELECT over _scan giving typed values plus the first failure (column, reason).

    Each column's landed value (`_landed_<name>`: trimmed text, or the native
    Parquet value) is checked in place; text for a reason is only built for a
    row that fails, so valid native values are never turned into strings.
    """
    landed, values, failures = [], [], []
    for column in source.columns:
        actual = present.get(column.name)
        if actual is None:
            raw = "cast(null as varchar)"
        elif actual in text_columns:
            raw = f"nullif(trim({_identifier(actual)}), '')"
        else:
            raw = _identifier(actual)
        landed.append(f"{raw} as _landed_{column.name}")
        value = (
            f"_landed_{column.name}"
            if column.type == "string"
            else f"try_cast(_landed_{column.name} as {column.sql_type})"
        )
        choices = allowed.get(column.name, column.allowed)
        if column.upper:
            value = f"upper({value})"
        elif choices is not None:
            value = f"lower({value})"
        values.append(f"{value} as {column.name}")
        failures += _column_failures(column, choices)
    for blame, condition, reason in source.row_rules:
        failures.append((f"not ({condition})", blame, sql_literal(reason)))
    failed_column = " ".join(f"when {cond} then {sql_literal(col)}" for cond, col, _ in failures)
    failed_reason = " ".join(f"when {cond} then {reason}" for cond, _, reason in failures)
    return f"""
        select *,
            case {failed_column} end as _failed_column,
            case {failed_reason} end as _failed_reason
        from (
            select _row_number, {", ".join(values)}, _landed.* exclude (_row_number)
            from (select _row_number, {", ".join(landed)} from _scan) as _landed
        )
    """


def _column_failures(column: Column, choices: Iterable[str] | None) -> list[tuple[str, str, str]]:
    """(condition, column, reason SQL) for each rule of one column, in rule order."""
    name = column.name
    landed = f"_landed_{name}"
    shown = f"chr(39) || left(cast({landed} as varchar), 60) || chr(39)"
    rules = []
    if column.required:
        rules.append((f"{landed} is null", sql_literal("missing required value")))
    if column.type != "string":
        rules.append(
            (f"{landed} is not null and {name} is null", f"'unparsable {column.type} ' || {shown}")
        )
    if choices is not None:
        ordered = sorted({c.lower() for c in choices})
        in_set = ", ".join(sql_literal(c) for c in ordered)
        rules.append(
            (
                f"{name} not in ({in_set})",
                f"'value ' || {shown} || "
                + sql_literal(" not in allowed set (" + ", ".join(ordered) + ")"),
            )
        )
    if column.min_value is not None:
        rules.append(
            (
                f"{name} < {column.min_value:g}",
                f"'value ' || cast({landed} as varchar) || ' below minimum {column.min_value:g}'",
            )
        )
    if column.max_value is not None:
        rules.append(
            (
                f"{name} > {column.max_value:g}",
                f"'value ' || cast({landed} as varchar) || ' above maximum {column.max_value:g}'",
            )
        )
    return [(f"({condition})", name, reason) for condition, reason in rules]


class Loader:
    """Loads the landing zone of one warehouse connection, batch by batch."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        landing_dir: Path,
        batch_id: str,
        allowed: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
    ):
        self.con = con
        self.landing_dir = Path(landing_dir)
        self.batch_id = batch_id
        self.allowed = allowed or {}
        configure(con)
        ensure_raw_schema(con)

    def load_source(self, name: str) -> SourceResult:
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
        path = self.landing_dir / relative
        digest = file_hash(path)
        previous = self.con.execute(
            "select content_hash from raw.loaded_files where source = ? and file = ?",
            [source.name, relative],
        ).fetchall()
        if previous and previous[0][0] == digest:
            return FileResult(source.name, relative, "unchanged")
        status = "replaced" if previous else "loaded"
        try:
            present, text_columns = self._scan(source, path)
        except FileRejected as exc:
            error = f"{relative}: {exc}"
            log.error("rejected file %s", error)
            self._commit(source, relative, path, digest, "rejected", error, bool(previous))
            return FileResult(source.name, relative, "rejected", error=error)
        self.con.execute(
            "create or replace temp table _checked as "
            + _checked_sql(source, present, text_columns, self.allowed.get(source.name, {}))
        )
        counts = self._commit(source, relative, path, digest, status, None, bool(previous))
        return FileResult(source.name, relative, status, *counts)

    def _scan(self, source: Source, path: Path) -> tuple[dict[str, str], set[str]]:
        reader = {"csv": _scan_csv, "json": _scan_json, "parquet": _scan_parquet}
        names = reader[_format_of(path.name)](self.con, path)
        present = {c: names[c] for c in source.column_names if c in names}
        missing = [c for c in source.required_columns if c not in present]
        if missing:
            raise FileRejected(f"missing required column(s): {', '.join(missing)}")
        text_columns = {
            row[0] for row in self.con.execute("describe _scan").fetchall() if row[1] == "VARCHAR"
        }
        return present, text_columns

    def _commit(
        self,
        source: Source,
        relative: str,
        path: Path,
        digest: str,
        status: str,
        error: str | None,
        replacing: bool,
    ) -> tuple[int, int, int]:
        """Load the file's rows (replacing what an earlier version of it loaded) and
        record it in the manifest, in one transaction."""
        con, name, day = self.con, source.name, source.day_column
        params = {"source": name, "file": relative, "batch": self.batch_id}
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
                _execute(
                    con, "delete from raw.rejects where source = $source and file = $file", params
                )
            if error is None:
                loaded, rejected = self._insert_rows(source, params)
            else:
                loaded, rejected = 0, 0
                _execute(
                    con,
                    "insert into raw.rejects values ($source, $file, null, null, $reason, $batch,"
                    " now())",
                    {**params, "reason": error},
                )
            _execute(
                con,
                """insert or replace into raw.loaded_files values
                ($source, $file, $size, $hash, $status, $read, $loaded, $rejected, $error,
                 $batch, now())""",
                {
                    **params,
                    "size": path.stat().st_size,
                    "hash": digest,
                    "status": status,
                    "read": loaded + rejected,
                    "loaded": loaded,
                    "rejected": rejected,
                    "error": error,
                },
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return loaded + rejected, loaded, rejected

    def _insert_rows(self, source: Source, params: dict) -> tuple[int, int]:
        con, name = self.con, source.name
        columns = ", ".join(source.column_names)
        _execute(
            con,
            f"""insert into raw.{name} ({columns}, _file, _row_number, _batch_id, _loaded_at)
            select {columns}, $file, _row_number, $batch, now()
            from _checked where _failed_column is null""",
            params,
        )
        _execute(
            con,
            f"""insert into raw.changed_days
            select distinct $batch, $source, $file,
                cast(timezone('UTC', {source.day_column}) as date), now()
            from _checked where _failed_column is null""",
            params,
        )
        _execute(
            con,
            """insert into raw.rejects
            select $source, $file, _row_number, _failed_column, _failed_reason, $batch, now()
            from _checked where _failed_column is not null
            union all
            select $source, $file, _row_number, null, reason, $batch, now() from _malformed
            order by 3""",
            params,
        )
        loaded, rejected = con.execute(
            """select count(*) filter (where _failed_column is null),
                      count(*) filter (where _failed_column is not null)
                             + (select count(*) from _malformed)
               from _checked"""
        ).fetchall()[0]
        return loaded, rejected


def plan_ids(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> list[str]:
    """Plan ids of the catalogue seed: what a subscriptions row may name."""
    from hourglass.settings import plans_seed

    seed = path or plans_seed()
    rows = con.execute(
        f"select plan_id from read_csv({sql_literal(str(seed))}, header = true, all_varchar = true)"
    ).fetchall()
    return [r[0] for r in rows]


def load_landing(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, batch_id: str
) -> dict[str, SourceResult]:
    """Load every source of the landing zone (what the nightly job's loader assets do)."""
    loader = Loader(
        con, landing_dir, batch_id, allowed={"subscriptions": {"plan_id": plan_ids(con)}}
    )
    return {name: loader.load_source(name) for name in SOURCES}
