"""A format configuration as DuckDB SQL: one expression per contract column.

Every expression works on the whole scanned relation at once (set-based) and
never raises: a value the mapping cannot convert is passed on unchanged, so the
loader's value rules (docs/landing_zone.md) reject it naming the column, and
a value the mapping cannot find is missing, so a required column is rejected as
`missing required value`, never guessed.

Values have a kind (the loader's): `text` as written, `json` a DuckDB JSON
value (an object, array or boolean is left for the loader to reject), or
`native` a typed value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from hourglass.contract import Source
from hourglass.formats.config import ColumnMapping, FormatConfig, regex_group
from hourglass.loading.layout import nested_json
from hourglass.sql import sql_literal

# What a timestamp form yields: a UTC TIMESTAMP, written back as ISO-8601 text.
_ISO_OUT = "'%Y-%m-%dT%H:%M:%S.%fZ'"
_CLF = "%d/%b/%Y:%H:%M:%S %z"
# Epoch numbers short enough never to overflow (any longer one is implausible anyway).
_EPOCH = {
    "epoch_s": (r"\d{1,11}(\.\d{1,9})?", 1_000_000),
    "epoch_ms": (r"\d{1,14}(\.\d{1,6})?", 1_000),
}
_DECIMAL = r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?"


class Value(NamedTuple):
    """A SQL expression over the scanned relation, the kind of what it yields, the
    checks of the fields it reads (see ColumnSource.checks) and the nested JSON
    paths it reads (see ColumnSource.json_paths)."""

    expression: str
    kind: str  # text | json | native
    checks: tuple[tuple[str, str], ...] = ()
    json_paths: tuple[str, ...] = ()


class Unmappable(Exception):
    """The file cannot be mapped at all (a required column found nowhere, a duplicate)."""


def json_path(field: str) -> str:
    """A dotted field (`request.headers.x-request-id`, `items.data.0.price.id`) as a
    DuckDB JSON path with every key quoted; a segment of digits is an array index."""
    parts = []
    for segment in field.split("."):
        if segment.isdigit():
            parts.append(f"[{segment}]")
        else:
            parts.append('."' + segment.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "$" + "".join(parts)


def field_value(field: str, reader: str, fields: Mapping[str, Value]) -> Value | None:
    """Where a named field is in a scan: a top-level field by its trimmed lower-case
    name (CSV header, JSON key even with dots in it, Parquet column), else in a JSON
    scan a nested path into the whole record. None: the file has no such field."""
    found = fields.get(field.strip().lower())
    if found is not None:
        return Value(found.expression, found.kind, found.checks)
    if reader == "json" and "." in field:
        path = json_path(field)
        return Value(nested_json(path), "json", json_paths=(path,))
    return None


def _missing_list(missing_values: Iterable[str]) -> str:
    return ", ".join(sql_literal(v.lower()) for v in ("", *missing_values))


def _present(value: Value, missing_values: Iterable[str]) -> str:
    """The value, or NULL when it is missing (null, empty, a missing-value spelling)."""
    spellings = _missing_list(missing_values)
    e = value.expression
    if value.kind == "text":
        return f"(case when lower(trim({e})) not in ({spellings}) then {e} end)"
    if value.kind == "json":
        return (
            f"(case when json_type({e}) <> 'NULL' and (json_type({e}) <> 'VARCHAR' "
            f"or lower(trim({e} ->> '$')) not in ({spellings})) then {e} end)"
        )
    return e


def _text(value: Value) -> str:
    """A value's text: JSON strings unquoted, numbers as written, objects as JSON text."""
    if value.kind == "json":
        return f"({value.expression} ->> '$')"
    if value.kind == "native":
        return f"cast({value.expression} as varchar)"
    return value.expression


def first_present(values: list[Value], missing_values: Iterable[str]) -> Value:
    """The first value of the list that is present, row by row."""
    if len(values) == 1:
        return values[0]
    kinds = {v.kind for v in values}
    if len(kinds) > 1:  # mixed kinds meet as text
        values = [v._replace(expression=_text(v), kind="text") for v in values]
    present = ", ".join(_present(v, missing_values) for v in values)
    checks = tuple(check for v in values for check in v.checks)
    paths = tuple(dict.fromkeys(path for v in values for path in v.json_paths))
    return Value(f"coalesce({present})", values[0].kind, checks, paths)


def _value_map(text: str, mapping: ColumnMapping) -> str:
    whens = " ".join(
        f"when {sql_literal(key.strip().lower())} then "
        + ("null" if to is None else sql_literal(to))
        for key, to in mapping.map.items()
    )
    otherwise = "null" if mapping.unmapped == "missing" else text
    if not whens:
        return otherwise
    return f"(case lower(trim({text})) {whens} else {otherwise} end)"


def _multiply(text: str, factor: float) -> str:
    # rounded to 9 decimals, so 0.083 s is 83 ms and not 83.00000000000001
    number = f"replace(trim({text}), ',', '.')"
    return (
        f"(case when regexp_full_match(trim({text}), {sql_literal(_DECIMAL)}) "
        f"then cast(round(cast({number} as double) * {factor!r}, 9) as varchar) else {text} end)"
    )


def _timestamp(text: str, form: str) -> str:
    """SQL giving the UTC TIMESTAMP a text holds in one form, or NULL."""
    if form in _EPOCH:
        pattern, to_micros = _EPOCH[form]
        return (
            f"(case when regexp_full_match(trim({text}), {sql_literal(pattern)}) then "
            f"make_timestamp(cast(round(cast(trim({text}) as decimal(24, 9)) * {to_micros}) "
            "as bigint)) end)"
        )
    pattern = _CLF if form == "clf" else form
    parsed = f"try_strptime(trim({text}), {sql_literal(pattern)})"
    return f"timezone('UTC', {parsed})" if "%z" in pattern or "%Z" in pattern else parsed


def _timestamps(text: str, forms: list[str]) -> str:
    parsed = ", ".join(f"strftime({_timestamp(text, form)}, {_ISO_OUT})" for form in forms)
    return f"coalesce({parsed}, {text})"


def _scalar_transforms(text: str, mapping: ColumnMapping) -> str:
    if mapping.map is not None:
        text = _value_map(text, mapping)
    if mapping.multiply is not None:
        text = _multiply(text, mapping.multiply)
    if mapping.timestamp:
        text = _timestamps(text, mapping.timestamp)
    return text


def transform(value: Value, mapping: ColumnMapping) -> Value:
    """Apply a column's regex, value map, unit factor and timestamp forms, in that order.

    A regex reads any value's text (an array's JSON text too) and yields text. The
    other steps apply to scalar values; in a JSON value an object, array or boolean
    passes unchanged, for the loader to reject with its type.
    """
    if mapping.regex is not None:
        group = regex_group(mapping.regex)
        value = value._replace(
            expression=f"regexp_extract({_text(value)}, {sql_literal(mapping.regex)}, {group})",
            kind="text",
        )
    if mapping.map is None and mapping.multiply is None and not mapping.timestamp:
        return value
    if value.kind != "json":
        return value._replace(expression=_scalar_transforms(_text(value), mapping), kind="text")
    e = value.expression
    changed = _scalar_transforms(f"({e} ->> '$')", mapping)
    return value._replace(
        expression=f"(case when json_type({e}) in ('OBJECT', 'ARRAY', 'BOOLEAN') then {e} "
        f"else to_json({changed}) end)"
    )


def column_values(
    source: Source,
    config: FormatConfig,
    reader: str,
    fields: Mapping[str, Value],
    duplicates: Iterable[str],
    missing_values: Iterable[str],
) -> dict[str, Value]:
    """Contract column -> Value for one scanned file under a resolved configuration.

    A constant is that text. A mapped column is its first present field (then the
    contract's own column name) through its transforms; an unmapped column is the
    file's field of the same name. A column found nowhere is left out (absent);
    Unmappable when that column is required, or when a field it reads is named
    twice in the file's header.
    """
    mappings = {c: config.columns.get(c, ColumnMapping()) for c in source.column_names}
    names = {
        c: list(dict.fromkeys([*m.field, c]))
        for c, m in mappings.items()
        if c not in config.constants
    }
    duplicated = set(duplicates)
    for candidates in names.values():
        for name in candidates:
            if name.strip().lower() in duplicated:
                raise Unmappable(f"duplicate column {name.strip().lower()}")
    chosen: dict[str, Value] = {}
    for column in source.column_names:
        if column in config.constants:
            chosen[column] = Value(sql_literal(config.constants[column]), "text")
            continue
        found = [field_value(n, reader, fields) for n in names[column]]
        found = [v for v in found if v is not None]
        if found:
            chosen[column] = transform(first_present(found, missing_values), mappings[column])
        elif column in source.required_columns:
            raise Unmappable(
                f"missing required column {column} (looked for: {', '.join(names[column])})"
            )
    return chosen
