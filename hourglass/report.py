"""Headline figures of the published file, for people at a terminal."""

from __future__ import annotations

import json
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
    """Label -> value of each headline; None where the marts hold nothing."""
    with duckdb.connect(str(published), read_only=True) as con:
        return {label: con.execute(sql).fetchall()[0][0] for label, sql in HEADLINES.items()}


def check_results(published: Path) -> dict[str, dict[str, int]]:
    """{check name: {passed, warned, failed}} of the run that published the file
    (ops.run_history); empty when it recorded none."""
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            """select h.checks from ops.run_history as h
               join ops.published_version as v on h.run_id = v.version"""
        ).fetchall()
    return json.loads(rows[0][0]) if rows and rows[0][0] else {}


def rejects_by_source(work: Path) -> list[tuple]:
    """Rejected rows and whole files per source, from the working database
    (none when it does not exist yet)."""
    if not work.exists():
        return []
    with duckdb.connect(str(work), read_only=True) as con:
        return con.execute(
            """select source, count(*) as rejected_rows,
                      count(*) filter (where row_number is null) as rejected_files
               from raw.rejects group by source order by source"""
        ).fetchall()


def _shown(value: object) -> str:
    if value is None:
        return "none"
    return f"{value:,}" if isinstance(value, int) else str(value)


def summary_text(published: Path, work: Path) -> str:
    """Headline figures, check results by name and rejects per source, as text."""
    if not published.exists():
        return f"Nothing is published yet at {published}."
    figures = headline_figures(published)
    width = max(len(label) for label in figures)
    lines = [f"Published warehouse (open it read-only): {published}", ""]
    lines += [f"  {label:<{width}}  {_shown(value)}" for label, value in figures.items()]
    checks = check_results(published)
    if checks:
        lines += ["", "  checks of that run (passed / warned / failed):"]
        lines += [
            f"    {name:<18} {c['passed']:>4} / {c['warned']} / {c['failed']}"
            for name, c in checks.items()
        ]
    rejects = rejects_by_source(work)
    if rejects:
        lines += ["", f"  rejected landing rows (details in raw.rejects of {work}):"]
        lines += [
            f"    {source:<18} {rows:>6,} rows, {files} whole file{'' if files == 1 else 's'}"
            for source, rows, files in rejects
        ]
    return "\n".join(lines)
