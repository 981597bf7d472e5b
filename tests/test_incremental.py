"""Incremental builds give exactly the marts of a full refresh (issue 3)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hourglass.generate import DemoConfig, generate
from hourglass.loading import load_landing
from hourglass.settings import PROJECT_ROOT

# request-level models built incrementally, and every mart
COMPARED_SCHEMAS = ("marts", "staging", "intermediate")


def _dbt_build(warehouse: Path, *extra: str) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "HOURGLASS_WORK_PATH": str(warehouse)}
    subprocess.run(
        [str(bin_dir / "dbt"), "build", "--quiet", *extra],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )


def _load(landing: Path, warehouse: Path, batch: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, batch)


def _tables(con) -> list[str]:
    rows = con.execute(
        f"""select table_schema || '.' || table_name from information_schema.tables
            where table_catalog = current_database()
              and table_type = 'BASE TABLE'
              and table_schema in {COMPARED_SCHEMAS}
              and table_name not like '%days_to_rebuild%'
              and table_name <> 'request_build_watermark'
            order by 1"""
    ).fetchall()
    return [r[0] for r in rows]


def _move_api_log_days(source: Path, landing: Path, days: list[str]) -> None:
    for day in days:
        folder = source / "api_logs" / f"date={day}"
        for path in sorted(folder.glob("requests*")):
            target = landing / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """A landing zone that arrives in three batches, built incrementally after each."""
    root = tmp_path_factory.mktemp("incremental")
    source, landing = root / "source", root / "landing"
    generate(DemoConfig(out=source, days=20, requests_per_day=600, accounts=40, seed=11))
    late = next((source / "api_logs").rglob("late-delivery-*.jsonl"))
    all_days = sorted(p.name.removeprefix("date=") for p in (source / "api_logs").glob("date=*"))

    # batch 1: every source, the api_logs of all but the last five days
    shutil.copytree(source, landing, ignore=shutil.ignore_patterns("requests*", "late-*"))
    _move_api_log_days(source, landing, all_days[:-5])
    warehouse = root / "incremental.duckdb"
    _load(landing, warehouse, "batch-1")
    _dbt_build(warehouse)

    # batch 2: three more days, and a plan change landed today for a past date
    # (a source the account models read besides api_logs: every account-day is rebuilt)
    _move_api_log_days(source, landing, all_days[-5:-2])
    (landing / "subscriptions" / "upgrades.csv").write_text(
        "account_id,plan_id,effective_at,committed_monthly_usd\n"
        f"acc_00002,developer,{all_days[3]} 12:00:00,\n"
    )
    _load(landing, warehouse, "batch-2")
    _dbt_build(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after_plan_change = _account_days_rebuilt(con)

    # batch 3: the last days, the late file (an old day, with repeated request_ids),
    # and a corrected export that replaces an earlier file with fewer rows
    _move_api_log_days(source, landing, all_days[-2:])
    shutil.copy(late, landing / late.relative_to(source))
    corrected = sorted((landing / "api_logs").rglob("requests*.csv.gz"))[1]
    touched = _request_days(landing / "api_logs", [f"date={d}/requests*" for d in all_days[-2:]])
    touched |= _request_days(
        landing / "api_logs", [f"**/{late.name}", str(corrected.relative_to(landing / "api_logs"))]
    )
    lines = gzip.decompress(corrected.read_bytes()).decode().splitlines(keepends=True)
    corrected.write_bytes(gzip.compress("".join(lines[: len(lines) // 2]).encode()))
    _load(landing, warehouse, "batch-3")
    _dbt_build(warehouse)

    full = root / "full_refresh.duckdb"
    shutil.copy(warehouse, full)
    _dbt_build(full, "--full-refresh")
    return warehouse, full, touched, after_plan_change


def _account_days_rebuilt(con) -> dict[str, set]:
    """The account models' days to rebuild in the last build, by reach."""
    rows = con.execute(
        "select date_day, is_changed, is_month_to_date_dirty "
        "from intermediate.int_account_days_to_rebuild"
    ).fetchall()
    return {
        "carried": {r[0] for r in rows},
        "changed": {r[0] for r in rows if r[1]},
        "month_to_date": {r[0] for r in rows if r[2]},
    }


def _request_days(folder: Path, patterns: list[str]) -> set:
    """UTC days of the requests in landing files, read straight from the files."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    days = set()
    for pattern in patterns:
        for path in folder.glob(pattern):
            reader = {".parquet": "read_parquet", ".gz": "read_csv", ".jsonl": "read_json"}
            function = reader[path.suffix]
            options = ", ignore_errors = true" if function == "read_csv" else ""
            days |= {
                row[0]
                for row in con.execute(
                    f"select distinct cast(cast(requested_at as timestamptz) as date) "
                    f"from {function}('{path}'{options})"
                ).fetchall()
            }
    return days


def test_incremental_builds_equal_a_full_refresh_row_for_row(batches):
    incremental, full, *_ = batches
    con = duckdb.connect(str(incremental), read_only=True)
    con.execute(f"attach '{full}' as full_refresh (read_only)")
    tables = _tables(con)
    assert {
        "intermediate.int_requests_deduplicated",
        "intermediate.int_api_usage_daily",
        "intermediate.int_end_users_daily",
        "marts.fct_funnel_daily",
        "marts.fct_account_billing_monthly",
        "marts.fct_sales_signals",
    } <= set(tables)
    for table in tables:
        only_incremental = con.execute(
            f"select count(*) from (select * from {table} except all "
            f"select * from full_refresh.{table})"
        ).fetchall()[0][0]
        only_full = con.execute(
            f"select count(*) from (select * from full_refresh.{table} except all "
            f"select * from {table})"
        ).fetchall()[0][0]
        assert (table, only_incremental, only_full) == (table, 0, 0)


def test_later_batches_rebuilt_only_the_days_they_touched(batches):
    incremental, _, touched, _ = batches
    con = duckdb.connect(str(incremental), read_only=True)
    rebuilt = con.execute(
        "select date_day from intermediate.int_request_days_to_rebuild"
    ).fetchall()
    days = con.execute("select count(distinct request_date) from staging.stg_gateway__requests")
    # batch 3 touched the last two days, the late file's day and the corrected file's days
    assert {row[0] for row in rebuilt} == touched
    assert len(touched) < days.fetchall()[0][0] / 3
    watermarks = con.execute("select count(*) from staging.request_build_watermark").fetchall()
    assert watermarks == [(3,)]


def test_account_models_rebuilt_the_days_their_inputs_reach(batches):
    incremental, _, touched, after_plan_change = batches
    con = duckdb.connect(str(incremental), read_only=True)
    calendar = sorted(
        r[0] for r in con.execute("select date_day from intermediate.int_calendar_days").fetchall()
    )
    # batch 2 landed a past plan change: every day it had (all but the last two) was rebuilt
    assert after_plan_change["changed"] == after_plan_change["carried"] == set(calendar[:-2])
    # batch 3 changed requests only: their days, and every later day for the running totals
    rebuilt = _account_days_rebuilt(con)
    assert rebuilt["changed"] == touched
    assert rebuilt["carried"] == {day for day in calendar if day >= min(touched)}
    assert rebuilt["month_to_date"] == {
        day
        for day in rebuilt["carried"]
        if any(t <= day and (t.year, t.month) == (day.year, day.month) for t in touched)
    }


def _failed_tests(warehouse: Path, target: Path, *extra: str) -> list[str]:
    """Names of the failing data tests of int_requests_deduplicated (dbt test)."""
    env = {**os.environ, "HOURGLASS_WORK_PATH": str(warehouse)}
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--quiet", "--target-path", str(target)]
        + ["--select", "int_requests_deduplicated", *extra],
        cwd=PROJECT_ROOT,
        env=env,
        check=False,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    return sorted(r["unique_id"].split(".")[2] for r in results if r["status"] == "fail")


def test_nightly_tests_check_the_rebuilt_days_and_full_tests_every_day(batches, tmp_path):
    incremental, _, touched, _ = batches
    work = tmp_path / "work.duckdb"
    shutil.copy(incremental, work)
    with duckdb.connect(str(work)) as con:
        days = [
            r[0]
            for r in con.execute(
                "select distinct request_date from intermediate.int_requests_deduplicated "
                "order by 1"
            ).fetchall()
        ]
        untouched = next(day for day in days if day not in touched)
        copy_one = (
            "insert into intermediate.int_requests_deduplicated select * from "
            "intermediate.int_requests_deduplicated where request_date = ? limit 1"
        )
        con.execute(copy_one, [untouched])
    # a request twice on a day the last build did not rebuild: the nightly tests look
    # only at the rebuilt days, the weekly full tests find it
    assert _failed_tests(work, tmp_path / "nightly") == []
    full = _failed_tests(work, tmp_path / "full", "--vars", '{"full_tests": true}')
    assert full == ["unique_int_requests_deduplicated_request_id"]
    # a request twice on a rebuilt day: the nightly tests find it
    with duckdb.connect(str(work)) as con:
        con.execute(copy_one, [min(touched)])
    nightly = _failed_tests(work, tmp_path / "nightly")
    assert nightly == ["unique_int_requests_deduplicated_request_id"]
