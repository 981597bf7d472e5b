"""Readers: scan one landing file into the temp relations the validator reads.

`_scan`: one row per record, `_row_number` (data rows from 1: a CSV's records
after the header, a JSON file's lines) and the file's fields; `_malformed`:
records that could not be split into fields (row number and reason). Each
reader returns a `Scan` describing `_scan` (see layout.py) or raises
FileRejected naming what is wrong with the whole file. No reader raises
anything else for any input; readers never loop over rows in Python.
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from hourglass.loading.layout import ColumnSource, ReadOptions, Scan, text_field
from hourglass.loading.results import FileRejected
from hourglass.sql import quote_identifier, sql_literal

# Records up to 64 MiB load (docs/landing_zone.md, "Value rules"); a longer one is
# rejected as `record too large`. DuckDB sizes its read buffer from this limit.
MAX_RECORD_BYTES = 64 * 1024 * 1024 + 1024
_JSON_DELIMITER = "\x1f"  # a byte that never occurs in JSON text: one column per line
_DELIMITERS = (",", ";", "\t", "|")
# Other encodings are transcoded to UTF-8 first (DuckDB's own latin-1 reader refuses
# bytes 0x80-0x9f and its encodings extension is not bundled).
_ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "utf-16": "utf-16",
    "utf16": "utf-16",
}


def first_line(exc: Exception) -> str:
    """The first line of an exception's message (DuckDB's carry context lines)."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _encoding(options: ReadOptions) -> str:
    found = _ENCODINGS.get(options.encoding.strip().lower())
    if found is None:
        raise FileRejected(
            f"encoding {options.encoding!r} is not supported (use one of utf-8, latin-1,"
            " cp1252, utf-16)"
        )
    return found


@contextmanager
def _utf8(path: Path, options: ReadOptions) -> Iterator[Path]:
    """The file as UTF-8: itself, or a transcoded temporary copy (streamed in 1 MiB
    chunks by Python's codec). A byte the encoding does not define stays as it was,
    so DuckDB rejects its record as not valid in the encoding."""
    if path.name.lower().endswith(".gz") and path.stat().st_size == 0:
        # zero bytes hold no gzip member at all: an empty file, like a zero-byte .csv
        with tempfile.TemporaryDirectory(prefix="hourglass-") as folder:
            empty = Path(folder) / path.name[: -len(".gz")]
            empty.touch()
            yield empty
        return
    encoding = _encoding(options)
    if encoding == "utf-8":
        yield path
        return
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with tempfile.TemporaryDirectory(prefix="hourglass-") as folder:
        copy = Path(folder) / path.name.removesuffix(".gz").removesuffix(".GZ")
        try:
            with (
                opener(path, "rt", encoding=encoding, errors="surrogateescape") as source,
                copy.open("w", encoding="utf-8", errors="surrogateescape") as target,
            ):
                shutil.copyfileobj(source, target, 1 << 20)
        except (OSError, EOFError, UnicodeError) as exc:
            raise FileRejected(f"cannot be read as {options.encoding}: {exc}") from exc
        yield copy


# What DuckDB's reader messages mean, for the messages a person would not understand.
_PLAIN_READER_ERRORS = (
    (r"no magic bytes found", "truncated, or not Parquet at all (no Parquet footer)"),
    (r"don't know what type", "a corrupt Parquet file (an unknown column type code)"),
)


def _plain(path: Path, exc: Exception) -> str:
    """A reader exception in words: known messages explained, DuckDB's error-class
    prefix (`Invalid Input Error: `) and the file's absolute path left out (the
    reject already names the file)."""
    message = first_line(exc)
    for pattern, meaning in _PLAIN_READER_ERRORS:
        if re.search(pattern, message, re.IGNORECASE):
            return meaning
    message = re.sub(r"^[A-Za-z ]+ Error: ", "", message)
    return message.replace(str(path), path.name)


def _unreadable(path: Path, exc: Exception, what: str) -> FileRejected:
    """A file-level reject for a reader's exception, naming gzip when that is the cause."""
    message = _plain(path, exc)
    compressed = re.search(r"gzip|zlib|inflate|decompress", message, re.IGNORECASE)
    if path.name.lower().endswith(".gz") and compressed:
        return FileRejected(f"not a readable {what} file: not valid gzip ({message})")
    return FileRejected(f"not a readable {what} file: {message}")


def _read_csv_sql(path: Path, settings: str) -> str:
    return (
        f"read_csv({sql_literal(str(path))}, {settings}, auto_detect = false, "
        f"max_line_size = {MAX_RECORD_BYTES}, "
        "store_rejects = true, rejects_table = '_csv_rejects', rejects_scan = '_csv_scans')"
    )


_LINES = (
    "columns = {'line': 'VARCHAR'}, header = false, "
    f"delim = {sql_literal(_JSON_DELIMITER)}, quote = '', escape = '', strict_mode = false"
)


def _read_into(
    con: duckdb.DuckDBPyConnection, table: str, select: str, path: Path, what: str
) -> None:
    """Create temp table `table` from a read_csv select, whose rejected records go to
    `_csv_rejects`; a failure of the whole read rejects the file."""
    con.execute("drop table if exists _csv_rejects; drop table if exists _csv_scans")
    try:
        con.execute(f"create or replace temp table {table} as {select}")
    except (duckdb.Error, ValueError, RuntimeError) as exc:
        raise _unreadable(path, exc, what) from exc


def _number_records(con: duckdb.DuckDBPyConnection, parsed: str, offset: int) -> str:
    """SQL giving `parsed` with `_row_number`: the records' numbers 1..N in file order,
    skipping the numbers of the records DuckDB set aside in `_malformed`
    (`_csv_rejects.line` counts from the file's first line, hence `offset`).

    `_malformed` gets one row per set-aside record: its error type (the first by
    `_REJECT_PRIORITY` when DuckDB logged several), the fields it found (DuckDB logs
    a wrong field count once per extra or missing field) and the record's text."""
    con.execute(
        f"""
        create or replace temp table _malformed as
        select line - {offset} as _row_number,
            arg_min(error_type, priority) as error_type,
            coalesce(max(found) filter (where error_type = 'TOO MANY COLUMNS'),
                     min(found) filter (where error_type = 'MISSING COLUMNS')) as found,
            arg_min(csv_line, priority) as csv_line
        from (
            select line, cast(error_type as varchar) as error_type, csv_line,
                try_cast(regexp_extract(error_message, 'Found: ([0-9]+)', 1) as bigint) as found,
                coalesce(list_position({_REJECT_PRIORITY}, cast(error_type as varchar)), 99)
                    as priority
            from _csv_rejects
        )
        group by line
        """
    )
    if not con.execute("select count(*) from _malformed").fetchall()[0][0]:
        return f"select rowid + 1 as _row_number, * from {parsed}"
    return f"""
        with numbers as (
            select n as _row_number, row_number() over (order by n) as position
            from range(1, (select count(*) from {parsed}) + (select count(*) from _malformed) + 1)
                as t(n)
            where n not in (select _row_number from _malformed)
        ),
        parsed as (select *, rowid + 1 as position from {parsed})
        select numbers._row_number, parsed.* exclude (position)
        from parsed inner join numbers using (position)
    """


# DuckDB's reader error types, the one that names a record's problem first.
_REJECT_PRIORITY = (
    "['INVALID ENCODING', 'LINE SIZE OVER MAXIMUM', 'UNQUOTED VALUE', 'TOO MANY COLUMNS', "
    "'MISSING COLUMNS']"
)
_FIELD_COUNT_ERRORS = ("TOO MANY COLUMNS", "MISSING COLUMNS", "UNQUOTED VALUE")


def _explain_malformed(
    con: duckdb.DuckDBPyConnection, options: ReadOptions, header_fields: int | None
) -> None:
    """Give `_malformed` its final shape (_row_number, reason): each DuckDB error
    type in our words, never DuckDB's message. `header_fields`: the CSV header's
    number of fields (None for JSON lines, whose lines are one field)."""
    encoding = sql_literal(f"bytes not valid in the file's encoding ({options.encoding})")
    too_large = sql_literal(f"record too large (over {MAX_RECORD_BYTES >> 20} MiB)")
    if header_fields is None:
        otherwise = "'unparsable JSON line'"
    else:
        header = sql_literal(f"; the header has {header_fields}")
        otherwise = f"""case
            when error_type in ('TOO MANY COLUMNS', 'MISSING COLUMNS') and found is not null
                then 'row has ' || found || if(found = 1, ' field', ' fields') || {header}
            when error_type = 'TOO MANY COLUMNS' then 'row has more fields than the header'
            when error_type = 'MISSING COLUMNS' then 'row has fewer fields than the header'
            when error_type = 'UNQUOTED VALUE'
                and (length(csv_line) - length(replace(csv_line, '"', ''))) % 2 = 1
                then 'a quote opened in this row never closes'
            when error_type = 'UNQUOTED VALUE'
                then 'text follows a closing quote (a quote inside a quoted field is doubled)'
            else 'the row cannot be split into fields' end"""
    con.execute(
        f"""
        create or replace temp table _malformed as
        select _row_number, case error_type
            when 'INVALID ENCODING' then {encoding}
            when 'LINE SIZE OVER MAXIMUM' then {too_large}
            else {otherwise} end as reason
        from _malformed
        """
    )


# A file with more stray quotes than this is rejected whole: each one costs a re-read.
MAX_STRAY_QUOTES = 10


def _stray_quote(con: duckdb.DuckDBPyConnection, width: int) -> tuple[int, int] | None:
    """The first record DuckDB set aside in `_malformed` because a quote opened in it
    ran on over later lines (a stray `"`), as (record number, its physical line in the
    file, counting from 1); None when there is none. `width`: the header's fields.

    The physical line is the record's `_csv_rejects.line` (which counts records and
    blank lines) plus the line breaks inside the records before it."""
    stray = con.execute(
        """select min(_row_number) from _malformed where error_type = 'UNQUOTED VALUE'
        and position(chr(10) in trim(csv_line, chr(13) || chr(10))) > 0"""
    ).fetchall()[0][0]
    if stray is None:
        return None
    fields = "concat_ws('', " + ", ".join(f"c{i}" for i in range(width)) + ")"
    record = "trim(csv_line, chr(13) || chr(10))"

    def breaks(text: str) -> str:
        return f"length({text}) - length(replace({text}, chr(10), ''))"

    line = con.execute(
        f"""select {stray} + 1
            + coalesce((select sum({breaks(fields)}) from _scan where _row_number < {stray}), 0)
            + coalesce((select sum({breaks(record)}) from _malformed
                        where _row_number < {stray}), 0)"""
    ).fetchall()[0][0]
    return stray, int(line)


def _unquoted_copy(source: Path, target: Path, line: int) -> None:
    """Copy `source` (gzip or not) to `target` as plain bytes with every `"` of one
    physical line (counting from 1) removed, streamed in 1 MiB chunks."""
    opener = gzip.open if source.name.lower().endswith(".gz") else open
    with opener(source, "rb") as original, target.open("wb") as copy:
        before = line - 1  # line breaks still to pass before the line starts
        inside = False
        for chunk in iter(lambda: original.read(1 << 20), b""):
            start = 0
            if not inside:
                breaks = chunk.count(b"\n")
                if before < 0 or breaks < before:  # the line is done, or still ahead
                    before -= breaks
                    copy.write(chunk)
                    continue
                start = len(chunk) - len(chunk.split(b"\n", before)[-1]) if before else 0
                before, inside = -1, True
            end = chunk.find(b"\n", start)
            end = len(chunk) if end < 0 else end
            copy.write(chunk[:start] + chunk[start:end].replace(b'"', b"") + chunk[end:])
            inside = end == len(chunk)


def _read_records(
    con: duckdb.DuckDBPyConnection, path: Path, settings: str, width: int
) -> dict[int, int]:
    """Read a CSV's records into `_scan` (numbered) and `_malformed` (DuckDB's error
    types), keeping the damage of a stray quote to its own line.

    DuckDB's reader takes a quote that never closes as a field running on to the end
    of the file (or to the next quote), swallowing the good records after it into one
    reject. When that happens the file is read again with that line's quotes
    removed, so the lines after it are records again; the line stays one record,
    rejected by the caller. Returns those records: record number -> physical line.
    FileRejected after MAX_STRAY_QUOTES of them."""
    strays: dict[int, int] = {}
    readable = path
    with tempfile.TemporaryDirectory(prefix="hourglass-") as folder:
        while True:
            rows = f"select * from {_read_csv_sql(readable, settings)}"
            _read_into(con, "_parsed", rows, path, "CSV")
            con.execute(
                f"create or replace temp table _scan as {_number_records(con, '_parsed', 1)}"
            )
            stray = _stray_quote(con, width)
            if stray is None:
                return strays
            if len(strays) == MAX_STRAY_QUOTES:
                raise FileRejected(
                    f"more than {MAX_STRAY_QUOTES} quotes that never close (the first on line "
                    f"{min(strays.values())}): check how the file quotes its fields"
                )
            strays[stray[0]] = stray[1]
            repaired = Path(folder, str(len(strays)), path.name.removesuffix(".gz"))
            repaired.parent.mkdir()
            _unquoted_copy(readable, repaired, stray[1])
            if readable != path:
                readable.unlink()
            readable = repaired


def _header(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> str | None:
    """The file's first line (None for a file without any line)."""
    con.execute("drop table if exists _csv_rejects; drop table if exists _csv_scans")
    try:
        found = con.execute(f"select line from {_read_csv_sql(path, _LINES)} limit 1").fetchall()
    except (duckdb.Error, ValueError, RuntimeError) as exc:
        raise _unreadable(path, exc, "CSV") from exc
    rejected = con.execute("select error_type from _csv_rejects where line = 1").fetchall()
    if rejected:
        if rejected[0][0] == "INVALID ENCODING":
            raise FileRejected(
                f"the header line is not {options.encoding} text (a binary file, not CSV?)"
            )
        raise FileRejected("the header line is too large")
    if not found:
        return None
    return (found[0][0] or "").lstrip("\ufeff")


def _unclosed_quote(line: str, delimiter: str) -> bool:
    """True when a quoted field of the line never ends."""
    try:
        next(csv.reader([line], delimiter=delimiter, strict=True), [])
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def scan_csv(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read a CSV into `_scan` (see `_scan_csv`), in the encoding of `options`."""
    with _utf8(path, options) as readable:
        return _scan_csv(con, readable, options)


def scan_json(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read JSON lines into `_scan` (see `_scan_json`), in the encoding of `options`."""
    with _utf8(path, options) as readable:
        return _scan_json(con, readable, options)


def _scan_csv(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read a CSV into `_scan`: one VARCHAR column per header position (`c0`, `c1`,
    ...), named in `Scan.fields` by the trimmed lower-case header name.

    The delimiter (comma, semicolon, tab or pipe) is the one the header line uses
    most; a semicolon file accepts decimal commas. Records DuckDB cannot split
    (wrong number of fields, broken quoting, bytes invalid in the encoding, too
    large) go to `_malformed`; a stray quote rejects only its own line (see
    `_read_records`); a record repeating the header is rejected as a row.
    """
    header_line = _header(con, path, options)
    if header_line is None:  # a zero-byte file or an empty gzip member: 0 rows
        con.execute("create or replace temp table _scan (_row_number bigint)")
        con.execute("create or replace temp table _malformed (_row_number bigint, reason varchar)")
        return Scan("csv", {})
    if "\x00" in header_line:
        raise FileRejected("a binary file, not CSV text")
    if not header_line.strip():
        raise FileRejected("the first line is empty: the header must be the first line")
    delimiter = max(_DELIMITERS, key=header_line.count)
    if _unclosed_quote(header_line, delimiter):
        # the data reader would take the whole file as one header record: 0 rows, lost
        raise FileRejected("the header line opens a quote it never closes")
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    fields: dict[str, ColumnSource] = {}
    duplicates, repeated = set(), []
    for position, name in enumerate(header):
        key = name.strip().lower()
        column = f"c{position}"
        if key:
            repeated.append(f"trim({column}) = {sql_literal(name.strip())}")
        if not key:
            continue
        if key in fields:
            duplicates.add(key)
        else:
            fields[key] = text_field(column)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    settings = (
        f"header = true, delim = {sql_literal(delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {columns}"
    )
    strays = _read_records(con, path, settings, len(header))
    # A file where no record parses (all split wrongly) is not the CSV its header says.
    unparsed = con.execute(
        f"""select not exists (select 1 from _scan) and count(*) > 0
            and bool_and(error_type in {_FIELD_COUNT_ERRORS}) from _malformed"""
    ).fetchall()[0][0]
    _explain_malformed(con, options, len(header))
    if unparsed:
        example = con.execute("select min(reason) from _malformed").fetchall()[0][0]
        raise FileRejected(f"no record parses as CSV with the header's fields ({example})")
    if strays:  # each stray-quote line is one rejected record, whatever it parsed as
        numbers = ", ".join(str(number) for number in strays)
        con.execute(f"delete from _scan where _row_number in ({numbers})")
        con.execute(f"delete from _malformed where _row_number in ({numbers})")
        con.execute(
            "insert into _malformed values "
            + ", ".join(
                f"({number}, {sql_literal(f'a quote opened on line {line} never closes')})"
                for number, line in strays.items()
            )
        )
    return Scan(
        "csv",
        fields,
        duplicates=frozenset(duplicates),
        decimal_comma=delimiter == ";",
        row_checks=(("(" + " and ".join(repeated) + ")", "repeated header line"),)
        if repeated
        else (),
    )


def _scan_json(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read JSON lines into `_scan`: `_json` (the record's JSON text) and one JSON
    column per top-level key (`j0`, `j1`, ..., extracted in one parse), named in
    `Scan.fields` by the lower-cased key (keys differing only in case coalesced). A
    record giving a key twice (in any case) fails that field's check (`duplicate key
    status_code`): it is rejected when its format uses the field, as a contract
    column named twice in a CSV header rejects the file.

    A line that is not a JSON object is a rejected row (`unparsable JSON line`);
    with `json_array_per_line` an array line is one record per element. A file
    where no line is an object is rejected whole, saying what it holds.
    """
    con.execute("create or replace temp table _malformed (_row_number bigint, reason varchar)")
    line = "line"
    if options.line_prefix:
        line = f"regexp_replace(line, {sql_literal(options.line_prefix)}, '')"
    # The lines are typed as they are read (one copy of the file's text before
    # `_scan`); `_typed` and `_records` are views over them.
    # Blank: the landed line, before any prefix is removed. Only a line that is not
    # JSON can be blank (trimming every line cost more than typing it).
    lines = f"""select line, json_kind,
            case when json_kind is null then trim(coalesce(landed, '')) = '' else false end
                as blank
        from (select line, landed, try(json_type(line)) as json_kind
              from (select {line} as line, line as landed from {_read_csv_sql(path, _LINES)}))"""
    _read_into(con, "_parsed", lines, path, "JSON lines")
    numbered = _number_records(con, "_parsed", 0)
    _explain_malformed(con, options, None)
    con.execute(
        f"""
        create or replace temp view _typed as
        select _row_number, line, json_kind from ({numbered})
        -- blank landed lines are not rows; a line the prefix empties is a rejected one
        where not blank
        """
    )
    if options.json_array_per_line:
        _explode_arrays(con)
    else:
        con.execute(
            """
            insert into _malformed
            select _row_number, 'unparsable JSON line' from _typed
            where json_kind is distinct from 'OBJECT'
            """
        )
        con.execute(
            """
            create or replace temp view _records as
            select _row_number, line as _json from _typed where json_kind = 'OBJECT'
            """
        )
    _reject_if_no_object(con)
    # every key of the file, and whether any record gives one key twice, in one pass
    # over the distinct key lists (records of one file mostly share theirs: unnesting
    # every record's keys costs 20x more)
    keys, repeats = con.execute(
        """select coalesce(list(distinct key order by key), []), coalesce(bool_or(repeats), false)
        from (select unnest(keys) as key, len(keys) > len(list_distinct(keys)) as repeats
              from (select distinct json_keys(_json) as keys from _records))"""
    ).fetchall()[0]
    by_name: dict[str, list[str]] = {}
    for key in keys:
        by_name.setdefault(key.strip().lower(), []).append(key)
    by_name.pop("", None)
    fields, paths = {}, []
    for name, spellings in by_name.items():
        columns = []
        for key in spellings:
            columns.append(f"j{len(paths)}")
            paths.append(sql_literal("$." + _json_key(key)))
        expression = columns[0] if len(columns) == 1 else f"coalesce({', '.join(columns)})"
        checks = ()
        if repeats or len(spellings) > 1:  # a record naming the key twice is ambiguous
            named = f"list_filter(json_keys(_json), lambda k: lower(trim(k)) = {sql_literal(name)})"
            checks = ((f"len({named}) > 1", f"duplicate key {name}"),)
        fields[name] = ColumnSource(expression, "json", checks)
    values = "".join(f", _values[{i + 1}] as j{i}" for i in range(len(paths)))
    extract = f"json_extract(_json, [{', '.join(paths)}])" if paths else "[]"
    con.execute(
        f"""create or replace temp table _scan as
        select _row_number, _json{values}
        from (select _row_number, _json, {extract} as _values from _records)"""
    )
    return Scan("json", fields)


def _explode_arrays(con: duckdb.DuckDBPyConnection) -> None:
    """Records from `_typed` where an array line is one record per element. Row
    numbers then count records, not lines: every line set aside as malformed,
    every element and every other line is one record, in file order."""
    con.execute(
        """
        create or replace temp table _elements as
        with expanded as (
            select _row_number as _line, json_kind,
                case when json_kind = 'ARRAY' then json_extract(line, '$[*]')
                     when json_kind = 'OBJECT' then [cast(line as json)]
                     else [null] end as elements
            from _typed
        ),
        units as (
            select _line, json_kind, unnest(elements) as _json,
                generate_subscripts(elements, 1) as _element, null as reason
            from expanded
            union all
            select _row_number, null, null, 0, reason from _malformed
        )
        select row_number() over (order by _line, _element) as _row_number, json_kind, _json,
            case when _json is not null then json_type(_json) end as element_kind, reason
        from units
        """
    )
    con.execute(
        """
        create or replace temp table _malformed as
        select _row_number, coalesce(reason, case when json_kind = 'ARRAY'
            then 'array element is not a JSON object' else 'unparsable JSON line' end) as reason
        from _elements where element_kind is distinct from 'OBJECT'
        """
    )
    con.execute(
        """
        create or replace temp view _records as
        select _row_number, _json from _elements where element_kind = 'OBJECT'
        """
    )


def _reject_if_no_object(con: duckdb.DuckDBPyConnection) -> None:
    """A file with lines but no JSON object at all is not JSON lines: say what it is."""
    objects, lines = con.execute(
        "select (select count(*) from _records), (select count(*) from _typed)"
    ).fetchall()[0]
    if objects or not lines:
        return
    first = con.execute("select ltrim(line) from _typed order by _row_number limit 1").fetchall()[
        0
    ][0]
    if first.startswith("["):
        raise FileRejected("a JSON array, not one object per line")
    raise FileRejected("no line is a JSON object: not a JSON lines file")


def _json_key(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scan_parquet(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Scan:
    """Read a Parquet file into `_scan` with its native column types. A column
    DuckDB cannot read is left out and listed in `Scan.unreadable` (the file is
    rejected only when its layout uses it)."""
    con.execute("create or replace temp table _malformed (_row_number bigint, reason varchar)")
    source = f"read_parquet({sql_literal(str(path))}, file_row_number = true)"
    if path.stat().st_size == 0:
        raise FileRejected("not a readable Parquet file: an empty file (not valid Parquet)")
    try:
        con.execute(
            f"""create or replace temp table _scan as
            select file_row_number + 1 as _row_number, * exclude (file_row_number) from {source}"""
        )
        unreadable: dict[str, str] = {}
    except (duckdb.Error, ValueError, RuntimeError) as exc:
        unreadable = _read_columns_one_by_one(con, path, source, exc)
    types = {row[0]: row[1] for row in con.execute("describe _scan").fetchall()}
    fields = {
        name.lower(): ColumnSource(
            quote_identifier(name), "text" if kind == "VARCHAR" else "native"
        )
        for name, kind in types.items()
        if name != "_row_number"
    }
    # DuckDB renames a repeated column (`x`, `X` become `x`, `X_1`): the file's own
    # schema says which names repeat, so a contract column named twice is caught.
    names = [name.lower() for name in pq.read_schema(path).names]
    duplicates = frozenset(name for name in names if names.count(name) > 1)
    return Scan("parquet", fields, duplicates, types=types, unreadable=unreadable)


def _read_columns_one_by_one(
    con: duckdb.DuckDBPyConnection, path: Path, source: str, exc: Exception
) -> dict[str, str]:
    """After a whole-file read failed: read each top-level column on its own, keep
    those that read, and return the others (lower-case name -> Parquet type)."""
    try:
        schema = con.execute(
            f"""select name, coalesce(logical_type, converted_type, type)
            from parquet_schema({sql_literal(str(path))})
            where name <> 'duckdb_schema' and name in (
                select column_name from (describe select * from {source}))"""
        ).fetchall()
    except (duckdb.Error, ValueError, RuntimeError):
        raise _unreadable(path, exc, "Parquet") from exc
    readable, unreadable = [], {}
    for name, kind in schema:
        try:
            # hash() decodes every value (a count could be answered from the statistics)
            con.execute(f"select max(hash({quote_identifier(name)})) from {source}").fetchall()
            readable.append(quote_identifier(name))
        except (duckdb.Error, ValueError, RuntimeError):
            unreadable[name.lower()] = str(kind)
    if not readable and not unreadable:
        raise _unreadable(path, exc, "Parquet") from exc
    selected = "".join(", " + name for name in readable)
    try:
        con.execute(
            f"""create or replace temp table _scan as
            select file_row_number + 1 as _row_number{selected} from {source}"""
        )
    except (duckdb.Error, ValueError, RuntimeError) as again:
        raise _unreadable(path, again, "Parquet") from again
    return unreadable


READERS = {"csv": scan_csv, "json": scan_json, "parquet": scan_parquet}
