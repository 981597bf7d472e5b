"""A BI-like reader: every 100 ms, open the published file read-only, read its
version and several marts, and check that they belong to one version (each
mart's row count is the count that version recorded). Writes a JSON report.

Usage: python published_reader.py PUBLISHED STOP_FILE REPORT
"""

import json
import sys
import time
from pathlib import Path

import duckdb

MARTS = (
    "marts.fct_api_usage_daily",
    "marts.fct_funnel_daily",
    "marts.dim_accounts",
    "marts.fct_account_billing_monthly",
    "marts.fct_sales_call_list",
)


def read_once(path: Path) -> tuple[str, bool]:
    with duckdb.connect(str(path), read_only=True) as con:
        version, table_rows = con.execute(
            "select version, table_rows from ops.published_version"
        ).fetchall()[0]
        recorded = json.loads(table_rows)
        counts = {m: con.execute(f"select count(*) from {m}").fetchall()[0][0] for m in MARTS}
    return version, all(counts[m] == recorded[m] for m in MARTS)


def main() -> None:
    published, stop, report = (Path(a) for a in sys.argv[1:4])
    reads, errors, inconsistent, versions = 0, [], 0, []
    while not stop.exists():
        started = time.monotonic()
        try:
            version, consistent = read_once(published)
            reads += 1
            inconsistent += not consistent
            if not versions or versions[-1] != version:
                versions.append(version)
        except Exception as exc:  # every failure is what the test counts
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
    report.write_text(
        json.dumps(
            {"reads": reads, "errors": errors, "inconsistent": inconsistent, "versions": versions}
        )
    )


if __name__ == "__main__":
    main()
