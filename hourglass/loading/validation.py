"""The value rules as one set-based SQL statement (CONTRACT.md sections 1 and 1.1).

`checked_sql` turns a source's contract columns and the file's ColumnSources into a
SELECT over `_scan` that yields every contract column typed, plus the first failing
column (in contract order) and its reason; a row with no failure is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hourglass.contract import Column, Source
from hourglass.loading.layout import ColumnSource
from hourglass.sql import sql_literal


def checked_sql(
    source: Source,
    columns: Mapping[str, ColumnSource],
    allowed: Mapping[str, Iterable[str]],
) -> str:
    """SELECT over _scan giving typed values plus `_failed_column`, `_failed_reason`.

    Each column's landed value (`_landed_<name>`: trimmed text, or the native
    value) is checked in place; text for a reason is only built for a row that
    fails, so valid native values are never turned into strings. `allowed`
    overrides a column's allowed values (e.g. the plan catalogue's ids).
    """
    landed, values, failures = [], [], []
    for column in source.columns:
        chosen = columns.get(column.name)
        if chosen is None:
            raw = "cast(null as varchar)"
        elif chosen.kind == "text":
            raw = f"nullif(trim({chosen.expression}), '')"
        else:
            raw = chosen.expression
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
