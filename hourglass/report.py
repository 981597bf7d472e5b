"""Headline figures of the published warehouse, for people at a terminal."""

from __future__ import annotations

from pathlib import Path

import duckdb

HEADLINES = {
    "as of (last day with requests)": "select as_of_date from ops.published_version",
    "published by run": "select version from ops.published_version",
    "accounts": "select count(*) from marts.dim_accounts",
    "developers": "select count(*) from marts.dim_developers",
    "applications": "select count(*) from marts.dim_applications",
    "requests (deduplicated)": "select sum(requests) from marts.fct_api_usage_daily",
    "billable requests": "select sum(billable_requests) from marts.fct_api_usage_daily",
    "accounts to call today": "select count(*) from marts.fct_sales_call_list",
}


def headline_figures(published: Path) -> dict[str, object]:
    with duckdb.connect(str(published), read_only=True) as con:
        return {label: con.execute(sql).fetchall()[0][0] for label, sql in HEADLINES.items()}


def rejects_by_source(work: Path) -> list[tuple]:
    """Rejected rows and whole files per source, from the working database."""
    with duckdb.connect(str(work), read_only=True) as con:
        return con.execute(
            """select source, count(*) as rejected_rows,
                      count(*) filter (where row_number is null) as rejected_files
               from raw.rejects group by source order by source"""
        ).fetchall()


def summary_text(published: Path, work: Path) -> str:
    figures = headline_figures(published)
    width = max(len(label) for label in figures)
    lines = [f"Published warehouse (open it read-only): {published}", ""]
    lines += [
        f"  {label:<{width}}  {value:,}"
        if isinstance(value, int)
        else f"  {label:<{width}}  {value}"
        for label, value in figures.items()
    ]
    rejects = rejects_by_source(work)
    if rejects:
        lines += ["", f"  rejected landing rows (details in raw.rejects of {work}):"]
        lines += [
            f"    {source:<18} {rows:>6,} rows, {files} whole files"
            for source, rows, files in rejects
        ]
    return "\n".join(lines)
