"""The published marts hold only types that BI tools and their JDBC/ODBC drivers read.

Counts are BIGINT (DuckDB sums integers into HUGEINT, which many drivers
cannot read), money is DECIMAL(18,2) in columns named *_usd (a unit price,
unit_price_usd, DECIMAL(18,9): API prices run below a cent), points, scores,
shares and averages are DOUBLE, dates are DATE and *_at timestamps are UTC
TIMESTAMP (and only they: a week or day is a DATE). INTEGER is kept for
ordinals (*_number).
"""

from __future__ import annotations

import duckdb

ALLOWED = {"BIGINT", "DOUBLE", "DECIMAL(18,2)", "DATE", "TIMESTAMP", "VARCHAR", "BOOLEAN"}
UNIT_PRICE = "DECIMAL(18,9)"


def type_problems(columns: list[tuple[str, str, str]]) -> list[str]:
    """Each (table, column, type) that breaks the rules above, as a sentence."""
    problems = []
    for table, column, data_type in columns:
        name = f"{table}.{column} is {data_type}"
        if column.endswith("_number"):
            if data_type not in ("INTEGER", "BIGINT"):
                problems.append(f"{name}, not an integer ordinal")
        elif column == "unit_price_usd":
            if data_type != UNIT_PRICE:
                problems.append(f"{name}: a unit price is {UNIT_PRICE}")
        elif data_type not in ALLOWED:
            problems.append(f"{name}, not one of {sorted(ALLOWED)}")
        elif column.endswith("_usd") != (data_type == "DECIMAL(18,2)"):
            problems.append(f"{name}: money, and only money (*_usd), is DECIMAL(18,2)")
        elif column.endswith("_at") != (data_type == "TIMESTAMP"):
            problems.append(f"{name}: a point in time, and only that (*_at), is a UTC TIMESTAMP")
    return problems


def test_published_marts_hold_only_types_bi_tools_read(demo_warehouse):
    with duckdb.connect(str(demo_warehouse.published), read_only=True) as con:
        columns = con.execute(
            """select table_name, column_name, data_type from information_schema.columns
               where table_schema = 'marts' order by table_name, ordinal_position"""
        ).fetchall()
    assert len({table for table, _, _ in columns}) > 20
    assert type_problems(columns) == []


def test_every_rule_names_the_column_it_rejects():
    assert type_problems(
        [
            ("fct_a", "requests", "HUGEINT"),
            ("fct_a", "bill_usd", "DOUBLE"),
            ("fct_a", "support_points", "DECIMAL(18,2)"),
            ("fct_a", "signed_up_at", "DATE"),
            ("fct_a", "layer_number", "INTEGER"),
            ("fct_a", "cohort_week", "TIMESTAMP"),
            ("fct_b", "cohort_week", "DATE"),
            ("fct_b", "unit_price_usd", "DECIMAL(18,9)"),
            ("fct_c", "unit_price_usd", "DECIMAL(18,2)"),
        ]
    ) == [
        "fct_a.requests is HUGEINT, not one of "
        "['BIGINT', 'BOOLEAN', 'DATE', 'DECIMAL(18,2)', 'DOUBLE', 'TIMESTAMP', 'VARCHAR']",
        "fct_a.bill_usd is DOUBLE: money, and only money (*_usd), is DECIMAL(18,2)",
        "fct_a.support_points is DECIMAL(18,2): money, and only money (*_usd), is DECIMAL(18,2)",
        "fct_a.signed_up_at is DATE: a point in time, and only that (*_at), is a UTC TIMESTAMP",
        "fct_a.cohort_week is TIMESTAMP: a point in time, and only that (*_at), is a UTC TIMESTAMP",
        "fct_c.unit_price_usd is DECIMAL(18,2): a unit price is DECIMAL(18,9)",
    ]
