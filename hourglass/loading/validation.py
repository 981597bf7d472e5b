"""The value rules as one set-based SQL statement (docs/landing_zone.md).

`checked_sql` turns a source's contract columns and the file's ColumnSources into a
SELECT over `_scan` yielding `_row_number`, every contract column typed, and the
first failure: `_failed_column` (in contract order; null for a whole-record
failure) and `_failed_reason` (null: the row loads). It is built in layers, each a
projection over the one before, so every value is parsed once:

1. raw: each column's expression over `_scan` (and a JSON value's type);
2. string form and native value: JSON strings unquoted, JSON numbers as their
   text, Parquet bytes decoded; objects, arrays, booleans and values of a wrong
   native type become a type error;
3. missing values: empty or a missing-value spelling is null;
4. typed values, by the contract type's text rules or from the native value;
5. the first failing rule of the first failing column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import duckdb

from hourglass.contract import Column, Source
from hourglass.loading.layout import MISSING_VALUES, ColumnSource, Scan, nested_json
from hourglass.sql import quote_identifier, sql_literal

_JSON_NUMBERS = "('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')"
_INTEGER_TEXT = r"[+-]?[0-9]+"
_DECIMAL_TEXT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
# money (decimal columns): plain decimal text, and at most two decimal places that are not 0
_MONEY_TEXT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_CENTS_TEXT = r"[+-]?[0-9]*(\.[0-9]{0,2}0*)?"
_INFINITIES = "('inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity')"
# ISO-8601: four-digit year, T or space, optional seconds and up to 9 fractional
# digits, an optional offset Z, +hh:mm, +hhmm or +hh with an optional space before it
# (hours 00-14 and minutes 00-59, the offsets that exist, so `+05:60` or `+24:00` is
# unparsable rather than silently moved). A date alone is midnight UTC. DuckDB reads
# exactly 24:00:00 as the next day's 00:00 (as ISO-8601 allows) and rejects 23:59:60.
_ISO_TIMESTAMP = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)? ?(Z|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)?)?"
)
_INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
_TIMESTAMP_TYPES = {
    "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE",
    "TIMESTAMP_S",
    "TIMESTAMP_MS",
    "TIMESTAMP_NS",
    "TIMESTAMPTZ_NS",
}
_EXPECTED = {
    "string": "expected a string",
    "integer": "expected an integer",
    "bigint": "expected an integer",
    "double": "expected a number",
    "decimal": "expected a number",
    "timestamp": "expected a timestamp",
}


@dataclass(frozen=True)
class Plausible:
    """The window a landed timestamp must fall in (docs/landing_zone.md, "Value
    rules"): not before `earliest` (UTC) and not more than `days_ahead` days after
    the load."""

    earliest: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    days_ahead: float = 2.0


def native_types(
    con: duckdb.DuckDBPyConnection, columns: Mapping[str, ColumnSource]
) -> dict[str, str]:
    """DuckDB type of every `native` ColumnSource's expression over `_scan`."""
    native = {name: c for name, c in columns.items() if c.kind == "native"}
    if not native:
        return {}
    select = ", ".join(f"{c.expression} as {quote_identifier(n)}" for n, c in native.items())
    return {r[0]: r[1] for r in con.execute(f"describe select {select} from _scan").fetchall()}


def checked_sql(
    source: Source,
    columns: Mapping[str, ColumnSource],
    allowed: Mapping[str, Iterable[str]],
    scan: Scan | None = None,
    types: Mapping[str, str] | None = None,
    missing_values: Iterable[str] = MISSING_VALUES,
    plausible: Plausible = Plausible(),
) -> str:
    """SELECT over `_scan` giving `_row_number`, the typed contract columns,
    `_failed_column` and `_failed_reason` (see the module doc).

    columns: contract column -> ColumnSource (absent: null in every row);
    allowed: values replacing a column's allowed set (e.g. the plan catalogue);
    scan: the reader's Scan (decimal commas, whole-record checks);
    types: DuckDB type of each native expression (`native_types`).
    """
    scan = scan or Scan("csv", {})
    types = types or {}
    relation, columns = _scan_relation(columns)
    spellings = sorted({"", *(v.strip().lower() for v in missing_values)})
    missing = ", ".join(sql_literal(v) for v in spellings)
    longest = max(len(v) for v in spellings)
    raw, string, present, typed, final, failures = [], [], [], [], [], []
    for index, (condition, reason) in enumerate(scan.row_checks):
        raw.append(f"{condition} as _row_check_{index}")
        failures.append((f"_row_check_{index}", "null", sql_literal(reason)))
    for column in source.columns:
        chosen = columns.get(column.name)
        rules = _ColumnRules(column, chosen, types.get(column.name), scan.decimal_comma)
        for index, (condition, reason) in enumerate(chosen.checks if chosen else ()):
            raw.append(f"{condition} as _check_{column.name}_{index}")
            failures.append(
                (f"_check_{column.name}_{index}", sql_literal(column.name), sql_literal(reason))
            )
        raw += rules.raw()
        string += rules.string()
        present.append(
            f"case when length(_s_{column.name}) <= {longest} "
            f"and lower(_s_{column.name}) in ({missing}) then null "
            f"else _s_{column.name} end as _t_{column.name}"
        )
        typed += rules.typed(allowed.get(column.name, column.allowed))
        final.append(rules.final())
        failures += rules.failures(allowed.get(column.name, column.allowed), plausible)
    for blame, condition, reason in source.row_rules:
        failures.append((f"not ({condition})", sql_literal(blame), sql_literal(reason)))
    failed_column = " ".join(f"when {cond} then {col}" for cond, col, _ in failures)
    failed_reason = " ".join(f"when {cond} then {reason}" for cond, _, reason in failures)
    return f"""
        select _row_number, {", ".join(final)},
            case {failed_column} end as _failed_column,
            case {failed_reason} end as _failed_reason
        from (select *, {", ".join(typed)}
        from (select *, {", ".join(present)}
        from (select *, {", ".join(string)}
        from (select _row_number, {", ".join(raw)} from {relation}))))
    """


def _scan_relation(
    columns: Mapping[str, ColumnSource],
) -> tuple[str, Mapping[str, ColumnSource]]:
    """`_scan` and the columns over it, with every nested JSON path the columns read
    (`ColumnSource.json_paths`) taken from one `json_extract` of all of them: each
    `_json -> path` would parse the whole record again (the Kong preset reads 13)."""
    paths = list(dict.fromkeys(path for c in columns.values() for path in c.json_paths))
    if len(paths) < 2:
        return "_scan", columns
    position = {path: index + 1 for index, path in enumerate(paths)}
    rewritten = {}
    for name, chosen in columns.items():
        expression = chosen.expression
        for path in chosen.json_paths:
            # that text occurs nowhere else: a quote inside a SQL literal is doubled
            expression = expression.replace(nested_json(path), f"_paths[{position[path]}]")
        rewritten[name] = replace(chosen, expression=expression)
    extract = f"json_extract(_json, [{', '.join(sql_literal(path) for path in paths)}])"
    return f"(select *, {extract} as _paths from _scan)", rewritten


@dataclass
class _ColumnRules:
    """The SQL of one contract column in each layer of checked_sql."""

    column: Column
    chosen: ColumnSource | None
    native_type: str | None
    decimal_comma: bool

    @property
    def kind(self) -> str:
        if self.chosen is None:
            return "absent"
        if self.chosen.kind == "native" and self.native_type == "VARCHAR":
            return "text"
        return self.chosen.kind

    def raw(self) -> list[str]:
        name, kind = self.column.name, self.kind
        if kind == "absent":
            return [f"cast(null as varchar) as _r_{name}"]
        expression = self.chosen.expression
        if kind == "json":
            return [f"{expression} as _r_{name}", f"json_type(_r_{name}) as _k_{name}"]
        return [f"{expression} as _r_{name}"]

    def string(self) -> list[str]:
        """_s_: the value as text (null when it has none), _n_: a native value of the
        column's type, _e_: a type error, _j_: the text is a JSON number."""
        name, kind, native = self.column.name, self.kind, self.native_type or ""
        r = f"_r_{name}"
        text, value, error, number = "null", "null", "null", "false"
        if kind in ("absent", "text"):
            text = f"trim({r})"
        elif kind == "json":
            text = (
                f"case when _k_{name} = 'VARCHAR' then trim({r} ->> '$') "
                f"when _k_{name} in {_JSON_NUMBERS} then cast({r} as varchar) end"
            )
            error = (
                f"case when _k_{name} in ('OBJECT', 'ARRAY', 'BOOLEAN') "
                f"then {sql_literal(_EXPECTED[self.column.type])} end"
            )
            number = f"coalesce(_k_{name} in {_JSON_NUMBERS}, false)"
        elif native == "BLOB":
            text = f"trim(try(decode({r})))"
            error = (
                f"case when {r} is not null and try(decode({r})) is null "
                "then 'bytes not valid utf-8' end"
            )
        elif native == "UUID" or (
            self._numeric(native) and self.column.type in ("string", "decimal")
        ):
            # a native number in a money column is checked as its shortest text
            text = f"cast({r} as varchar)"
        elif self._numeric(native) and self.column.type in ("integer", "bigint", "double"):
            value = f"case when not isnan(cast({r} as double)) then {r} end"
            if native in _INTEGER_TYPES:
                value = r
        elif native in _TIMESTAMP_TYPES and self.column.type == "timestamp":
            value = f"cast({r} as timestamptz)"
        elif native != "NULL":
            expected = f"{_EXPECTED[self.column.type]} (found {native})"
            error = f"case when {r} is not null then {sql_literal(expected)} end"
        return [
            f"{text} as _s_{name}",
            f"{value} as _n_{name}",
            f"{error} as _e_{name}",
            f"{number} as _j_{name}",
        ]

    def final(self) -> str:
        """The typed column as loaded (a double that is not finite never is)."""
        name = self.column.name
        if self.column.type == "double":
            return f"case when not _inf_{name} then _v_{name} end as {name}"
        return name

    @staticmethod
    def _numeric(native: str) -> bool:
        return (
            native in _INTEGER_TYPES
            or native in ("FLOAT", "DOUBLE")
            or native.startswith("DECIMAL")
        )

    def _decimal_point(self, text: str) -> str:
        """The text with a decimal comma read as a point, in a file that allows it."""
        if not self.decimal_comma:
            return text
        return f"regexp_replace({text}, '^([+-]?[0-9]*),([0-9]+)$', '\\1.\\2')"

    def typed(self, choices: Iterable[str] | None) -> list[str]:
        name, kind = self.column.name, self.column.type
        t, n = f"_t_{name}", f"_n_{name}"
        if kind == "string":
            value = t
            if self.column.upper:
                value = f"upper({value})"
            elif choices is not None:
                value = f"lower({value})"
            return [f"{value} as {name}"]
        if kind in ("integer", "bigint"):
            target = self.column.sql_type
            number = f"try_cast({t} as double)"
            integral = (
                f"case when isfinite({number}) and {number} = trunc({number}) "
                f"then try_cast({number} as {target}) end"
            )
            native = (
                f"case when isfinite(cast({n} as double)) and {n} = trunc({n}) "
                f"then try_cast({n} as {target}) end"
            )
            return [
                f"""case when {n} is not null then {native}
                    when regexp_full_match({t}, {sql_literal(_INTEGER_TEXT)})
                        then try_cast({t} as {target})
                    when _j_{name} then {integral} end as {name}"""
            ]
        if kind == "decimal":
            text = self._decimal_point(t)
            return [
                f"case when regexp_full_match({text}, {sql_literal(_MONEY_TEXT)}) "
                f"then {text} end as _d_{name}",
                f"case when regexp_full_match(_d_{name}, {sql_literal(_CENTS_TEXT)}) "
                f"then try_cast(_d_{name} as {self.column.sql_type}) end as {name}",
            ]
        if kind == "double":
            text = self._decimal_point(t)
            parsed = (
                f"case when regexp_full_match({text}, {sql_literal(_DECIMAL_TEXT)}) "
                f"then try_cast({text} as double) end"
            )
            return [
                f"coalesce(cast({n} as double), {parsed}) as _v_{name}",
                f"coalesce(isinf(_v_{name}) or lower({t}) in {_INFINITIES}, false) as _inf_{name}",
            ]
        # timestamp: ISO-8601 text (the space before an offset dropped) or native
        iso = (
            f"case when regexp_full_match({t}, {sql_literal(_ISO_TIMESTAMP)}) then "
            f"try_cast(regexp_replace({t}, ' (Z|[+-][0-9:]+)$', '\\1') as timestamptz) end"
        )
        return [f"coalesce({n}, {iso}) as {name}"]

    def failures(
        self, choices: Iterable[str] | None, plausible: Plausible
    ) -> list[tuple[str, str, str]]:
        """(condition, column SQL, reason SQL) for each rule, in rule order."""
        column = self.column
        name, kind = column.name, column.type
        t, n, e = f"_t_{name}", f"_n_{name}", f"_e_{name}"
        landed = f"coalesce({t}, cast({n} as varchar))"
        shown = f"chr(39) || left({landed}, 60) || chr(39)"
        rules = []
        if column.required:
            rules.append(
                (f"{t} is null and {n} is null and {e} is null", "'missing required value'")
            )
        rules.append((f"{e} is not null", e))
        if kind == "double":
            rules.append((f"_inf_{name}", "'not a finite number'"))
            rules.append(
                (f"{landed} is not null and _v_{name} is null", f"'unparsable double ' || {shown}")
            )
            value = f"_v_{name}"
        else:
            value = name
            if kind == "decimal":
                rules.append(
                    (
                        f"_d_{name} is not null and {name} is null "
                        f"and not regexp_full_match(_d_{name}, {sql_literal(_CENTS_TEXT)})",
                        f"'value ' || {shown} || ' has more than 2 decimal places'",
                    )
                )
            if kind != "string":
                rules.append(
                    (f"{landed} is not null and {name} is null", f"'unparsable {kind} ' || {shown}")
                )
        if choices is not None:
            ordered = sorted({c.lower() for c in choices})
            in_set = ", ".join(sql_literal(c) for c in ordered)
            rules.append(
                (
                    f"{value} not in ({in_set})",
                    f"'value ' || {shown} || "
                    + sql_literal(" not in allowed set (" + ", ".join(ordered) + ")"),
                )
            )
        if column.min_value is not None and column.min_exclusive:
            rules.append(
                (
                    f"{value} <= {column.min_value:g}",
                    f"'value ' || {landed} || ' not above {column.min_value:g}'",
                )
            )
        elif column.min_value is not None:
            rules.append(
                (
                    f"{value} < {column.min_value:g}",
                    f"'value ' || {landed} || ' below minimum {column.min_value:g}'",
                )
            )
        if column.max_value is not None:
            rules.append(
                (
                    f"{value} > {column.max_value:g}",
                    f"'value ' || {landed} || ' above maximum {column.max_value:g}'",
                )
            )
        if kind == "timestamp":
            earliest = sql_literal(plausible.earliest.isoformat())
            implausible = f"{value} < cast({earliest} as timestamptz)"
            if not column.may_be_future:
                implausible += (
                    f" or {value} > now() + to_microseconds("
                    f"cast({plausible.days_ahead * 86_400_000_000:.0f} as bigint))"
                )
            rules.append((implausible, "'implausible timestamp'"))
        return [(f"({condition})", sql_literal(name), reason) for condition, reason in rules]
