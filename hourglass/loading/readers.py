"""Readers: scan one landing file into the temp relation `_scan` (one row per record,
`_row_number` from 1, the file's fields) and `_malformed` (records that could not be
split into fields: row number and reason). See layout.py for what callers get back."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from hourglass.loading.layout import ColumnSource, ReadOptions, Scan, text_field
from hourglass.loading.results import FileRejected
from hourglass.sql import quote_identifier, sql_literal

_JSON_DELIMITER = "\x1f"  # a byte that never occurs in JSON text: one column per line


def first_line(exc: Exception) -> str:
    """The first line of an exception's message (DuckDB's carry context lines)."""
    return str(exc).strip().splitlines()[0]


def _read_lines_sql(path: Path) -> str:
    """A one-column scan of a text file (gzip by extension): one row per line, in order."""
    return (
        f"read_csv({sql_literal(str(path))}, columns = {{'line': 'VARCHAR'}}, header = false, "
        f"delim = {sql_literal(_JSON_DELIMITER)}, quote = '', escape = '', auto_detect = false, "
        "strict_mode = false)"
    )


def _types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute("describe _scan").fetchall()}


def scan_csv(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read a CSV into `_scan` (all text). The header is read as a line and parsed
    here, so the data scan needs no sniffing: malformed lines (wrong column count,
    broken quoting) go to `_malformed` with their data-row number."""
    try:
        first = con.execute(f"select line from {_read_lines_sql(path)} limit 1").fetchall()
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable CSV file: {first_line(exc)}") from exc
    header = next(csv.reader([first[0][0] or ""])) if first else []
    if not header or header == [""]:
        raise FileRejected("not a readable CSV file: no header line")
    columns = "{" + ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in header) + "}"
    read_options = (
        f"header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"columns = {columns}"
    )
    con.execute("drop table if exists _csv_rejects; drop table if exists _csv_scans")
    try:
        con.execute(
            f"""
            create or replace temp table _parsed as
            select * from read_csv({sql_literal(str(path))}, {read_options},
                store_rejects = true, rejects_table = '_csv_rejects',
                rejects_scan = '_csv_scans')
            """
        )
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable CSV file: {first_line(exc)}") from exc
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
    return Scan("csv", {n.lower(): text_field(n) for n in header}, types=_types(con))


def scan_json(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read JSON lines into `_scan` (one text column per key)."""
    try:
        con.execute(
            f"create or replace temp table _lines as select line from {_read_lines_sql(path)}"
        )
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable JSON lines file: {first_line(exc)}") from exc
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
        selects.append(f"{expression} as {quote_identifier(lower)}")
    columns = "".join(", " + s for s in selects)
    con.execute(
        f"create or replace temp table _scan as select _row_number{columns} "
        "from _numbered where is_object"
    )
    return Scan("json", {lower: text_field(lower) for lower in by_name}, types=_types(con))


def _json_key(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scan_parquet(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read a Parquet file into `_scan` with its native column types."""
    try:
        con.execute(
            f"""
            create or replace temp table _scan as
            select file_row_number + 1 as _row_number, * exclude (file_row_number)
            from read_parquet({sql_literal(str(path))}, file_row_number = true)
            """
        )
    except duckdb.Error as exc:
        raise FileRejected(f"not a readable Parquet file: {first_line(exc)}") from exc
    con.execute("create or replace temp table _malformed (_row_number bigint, reason varchar)")
    types = _types(con)
    fields = {
        n.lower(): ColumnSource(quote_identifier(n), "text" if t == "VARCHAR" else "native")
        for n, t in types.items()
        if n != "_row_number"
    }
    return Scan("parquet", fields, types=types)


READERS = {"csv": scan_csv, "json": scan_json, "parquet": scan_parquet}
