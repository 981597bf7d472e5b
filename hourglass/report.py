"""Headline figures of a built warehouse, for people at a terminal."""

from __future__ import annotations

from pathlib import Path

import duckdb

HEADLINES = {
    "as of (last day with requests)": "select as_of_date from intermediate.int_reporting_period",
    "accounts": "select count(*) from marts.dim_accounts",
    "developers": "select count(*) from marts.dim_developers",
    "applications": "select count(*) from marts.dim_applications",
    "requests (deduplicated)": "select sum(requests) from marts.fct_api_usage_daily",
    "billable requests": "select sum(billable_requests) from marts.fct_api_usage_daily",
    "landing rows rejected": "select count(*) from raw.rejects",
}


def headline_figures(warehouse: Path) -> dict[str, object]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {label: con.execute(sql).fetchall()[0][0] for label, sql in HEADLINES.items()}


def rejects_by_source(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """select source, count(*) as rejected_rows,
                      count(*) filter (where row_number is null) as rejected_files
               from raw.rejects group by source order by source"""
        ).fetchall()


def summary_text(warehouse: Path) -> str:
    figures = headline_figures(warehouse)
    width = max(len(label) for label in figures)
    lines = [f"Warehouse: {warehouse}", ""]
    lines += [
        f"  {label:<{width}}  {value:,}"
        if isinstance(value, int)
        else f"  {label:<{width}}  {value}"
        for label, value in figures.items()
    ]
    rejects = rejects_by_source(warehouse)
    if rejects:
        lines += ["", "  rejected landing rows (details in raw.rejects):"]
        lines += [
            f"    {source:<18} {rows:>6,} rows, {files} whole files"
            for source, rows, files in rejects
        ]
    return "\n".join(lines)
