"""SQL text helpers shared by every module that builds DuckDB statements."""

from __future__ import annotations


def sql_literal(value: object) -> str:
    """`value` as a single-quoted SQL string literal (quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def quote_identifier(name: str) -> str:
    """`name` as a double-quoted SQL identifier (quotes doubled), any characters allowed."""
    return '"' + name.replace('"', '""') + '"'
