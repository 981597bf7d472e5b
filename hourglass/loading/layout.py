"""The seam between reading a file and validating its values: how each contract
column is taken from what a reader scanned.

A load runs, per file:

1. a reader (`readers.py`) scans the file, with the `ReadOptions` of its
   `FileFormat`, into the temp relation `_scan`: one row per record, a
   `_row_number` column (data rows from 1) and the file's own fields, and
   lists what it found in a `Scan`;
2. the `FileFormat` chooses, for every contract column, a `ColumnSource`: a
   SQL expression over `_scan` giving the landed value, and its kind;
3. the validator (`validation.py`) types and checks every column in one
   set-based pass (docs/landing_zone.md, "Value rules") into the staging tables,
   from which the loader publishes files in batches.

`FileFormat()` is the contract's own layout: each contract column is the file's
field of the same name (case-insensitive), UTF-8, the contract's missing-value
spellings. A format configuration (a preset or a user's mapping) is another
`FileFormat` (a subclass overriding `columns`, or one built with other
`ReadOptions`), returned for the file by the loader's `format_for` callable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hourglass.contract import Source
from hourglass.loading.results import FileRejected
from hourglass.sql import quote_identifier, sql_literal

# The contract's missing-value spellings (docs/landing_zone.md, "Value rules"),
# compared after trimming and lower-casing; an empty value is always missing.
MISSING_VALUES: tuple[str, ...] = ("null", "none", "nan", "n/a", "\\n", "-")

Kind = Literal["text", "json", "native"]


@dataclass(frozen=True)
class ReadOptions:
    """How a reader decodes a file before any column is chosen.

    encoding: the text encoding of CSV and JSON lines files, one of
        `utf-8` (default; a leading byte-order mark is ignored), `latin-1`,
        `cp1252`, `utf-16`. A record holding bytes invalid in it is rejected
        as that row, naming the encoding.
    missing_values: spellings that mean "no value" after trimming, compared
        case-insensitively (the empty string always does). Applies to every text
        value: CSV fields, JSON strings, Parquet strings.
    json_array_per_line: a JSON line holding an array is many records, one per
        element (row numbers count records); otherwise an array line is rejected.
    line_prefix: a regular expression (DuckDB/RE2 syntax) removed from the start
        of each JSON line before it is parsed, e.g. the timestamp CloudWatch
        Logs exports put before each object: `^\\S+\\s+`.
    """

    encoding: str = "utf-8"
    missing_values: tuple[str, ...] = MISSING_VALUES
    json_array_per_line: bool = False
    line_prefix: str | None = None


@dataclass(frozen=True)
class ColumnSource:
    """Where one contract column's landed value comes from.

    expression: a DuckDB SQL expression over the `_scan` relation (its
        `_row_number` and the fields listed in `Scan.fields`), evaluated once
        per record. It may combine fields (coalesce, regexp_extract, CASE value
        maps, arithmetic for unit conversion, constants such as
        `'production'`), but must not raise for any input: use try_cast /
        try_strptime, never cast / strptime.
    kind: what the expression yields, which decides the value rules applied:
        `text` - VARCHAR text as written (CSV fields): trimmed, missing-value
            spellings are null, then parsed by the contract's text rules
            (strict integers, finite doubles, ISO-8601 timestamps);
        `json` - a DuckDB JSON value (e.g. `_json -> '$.response.status'`, see
            `nested_json`):
            a JSON string follows the text rules, a JSON number is a number
            (integral for an integer column), null is missing, and an object,
            array or boolean is rejected (`expected an integer`, ...);
        `native` - a typed DuckDB value (a Parquet column, or a computed
            TIMESTAMPTZ / DOUBLE / BIGINT): converted by type; a value of the
            wrong type is rejected as its row naming the column. A named
            timestamp form (epoch ms, common log format) is a `native`
            expression such as `try_strptime(<field text>, '%d/%b/%Y:%H:%M:%S %z')`
            or `make_timestamp(<epoch ms> * 1000)`.
    checks: (SQL condition over `_scan`, reason) pairs that reject a record,
        naming this column, before its value is checked: e.g. a JSON record
        giving the field's key twice (`duplicate key status_code`).
    json_paths: the paths into `_json` the expression reads as `nested_json(path)`;
        the validator extracts all of a file's in one parse of each record
        instead of one parse per path.
    """

    expression: str
    kind: Kind = "text"
    checks: tuple[tuple[str, str], ...] = ()
    json_paths: tuple[str, ...] = ()


def nested_json(path: str) -> str:
    """The JSON value at a DuckDB JSON path (`$."request"."id"`) of a JSON scan's
    record, as SQL over `_scan`; list the path in `ColumnSource.json_paths`."""
    return f"(_json -> {sql_literal(path)})"


@dataclass(frozen=True)
class Scan:
    """What a reader found in one file, after it filled the `_scan` relation.

    reader: csv | json | parquet.
    fields: every top-level field, by its trimmed lower-case name, as a ready
        ColumnSource over `_scan` (CSV: a text column; JSON lines: the key's
        JSON value; Parquet: the native column). Nested JSON fields are reached
        from `_json` (the record's JSON text) in JSON scans.
    duplicates: lower-case names that occur more than once in a CSV header or a
        Parquet schema.
    decimal_comma: number columns of text kind accept a decimal comma (`31,3`):
        set for semicolon-delimited CSV.
    row_checks: (SQL condition over `_scan`, reason) that reject a whole record
        before any column is checked, e.g. a CSV header line repeated mid-file.
    types: DuckDB type of each `_scan` column, by column name (Parquet).
    unreadable: Parquet columns DuckDB cannot read at all, lower-case name ->
        Parquet type; a layout that uses one rejects the file naming it.
    """

    reader: str
    fields: dict[str, ColumnSource]
    duplicates: frozenset[str] = frozenset()
    decimal_comma: bool = False
    row_checks: tuple[tuple[str, str], ...] = ()
    types: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FileFormat:
    """How one file maps onto its source's contract columns (see the module doc).

    The default is the contract's own layout; subclass and override `columns`
    (and/or pass other `read` options) to map another tool's export.
    """

    read: ReadOptions = ReadOptions()

    def columns(self, source: Source, scan: Scan) -> dict[str, ColumnSource]:
        """Contract column name -> its ColumnSource. A contract column left out is
        absent from the file (null for every row). Raises FileRejected (the
        message names the problem) when the file cannot be mapped: a contract
        column named twice, a required column absent."""
        duplicated = [c for c in source.column_names if c in scan.duplicates]
        if duplicated:
            raise FileRejected(f"duplicate column {duplicated[0]}")
        unreadable = [c for c in source.column_names if c in scan.unreadable]
        if unreadable:
            name = unreadable[0]
            raise FileRejected(
                f"column {name} of Parquet type {scan.unreadable[name]} cannot be read"
            )
        chosen = {c: scan.fields[c] for c in source.column_names if c in scan.fields}
        missing = [c for c in source.required_columns if c not in chosen]
        if missing:
            raise FileRejected(f"missing required column(s): {', '.join(missing)}")
        return chosen


def text_field(name: str) -> ColumnSource:
    """A text column of `_scan` by its actual (case-preserving) column name."""
    return ColumnSource(quote_identifier(name), "text")
