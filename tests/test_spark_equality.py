"""The same dbt project on Spark gives DuckDB's marts, row for row (issue 13).

A small generated landing zone is loaded once (the loaders validate it into
DuckDB's raw schema, then export it as Parquet for Spark) and built on both
engines: a full build, then an incremental batch with new days, a late file
and a corrected export that empties a day. After each, every mart Spark wrote
must equal DuckDB's: the same columns, types and rows, doubles to 1e-9
relative; the bill restatements' `seen_at`, the clock of each engine's own
run, is left out. Minutes on a local Spark, so it is marked `spark` and the README's
test command runs it on its own (`pytest -m spark`); it needs the `spark` extra
and Java 17. The Spark builds run in this process, so both use one Spark.
"""

from __future__ import annotations

import datetime as dt
import gzip
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from hourglass.generate import DemoConfig, generate
from hourglass.loading import load_landing
from hourglass.raw_export import export_raw
from hourglass.settings import PROJECT_ROOT

pytestmark = pytest.mark.spark

RELATIVE_TOLERANCE = 1e-9
# columns that hold the time each engine's run saw the data, not the data
RUN_CLOCK = {"fct_bill_restatements": {"seen_at"}}


def _dbt_build(engine: str, root: Path) -> None:
    settings = {
        "HOURGLASS_ENGINE": engine,
        "HOURGLASS_WORK_PATH": str(root / "work.duckdb"),
        "HOURGLASS_RAW_PARQUET_DIR": str(root / "raw"),
        "HOURGLASS_SPARK_WAREHOUSE_DIR": str(root / "spark" / "warehouse"),
        "HOURGLASS_SPARK_METASTORE_DIR": str(root / "spark" / "metastore"),
        "HOURGLASS_DBT_THREADS": "2",
    }
    (root / "spark" / "metastore").mkdir(parents=True, exist_ok=True)
    # data and unit tests run on DuckDB in the rest of the suite; here the marts' rows are compared
    arguments = ["build", "--quiet", "--exclude-resource-type", "unit_test", "test"]
    arguments += ["--target-path", str(root / engine), "--project-dir", str(PROJECT_ROOT)]
    arguments += ["--profiles-dir", str(PROJECT_ROOT)]
    if engine == "duckdb":
        dbt = str(Path(sys.executable).parent / "dbt")
        subprocess.run([dbt, *arguments], env={**os.environ, **settings}, check=True)
        return
    # Spark in this process: the second build reuses the first one's Spark (one JVM start)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(name, value)
        result = dbtRunner().invoke(arguments)
    assert result.success, result.exception or result.result


def _load(root: Path, batch: str) -> None:
    with duckdb.connect(str(root / "work.duckdb")) as con:
        con.execute("set TimeZone = 'UTC'")
        load_landing(con, root / "landing", batch)
        export_raw(con, root / "raw")


def _build_both(root: Path) -> None:
    _dbt_build("duckdb", root)
    _dbt_build("spark", root)


def _comparable(value: object) -> object:
    """Spark's timestamps are instants (read back with a zone): compare them as UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _sort_key(row: tuple) -> tuple:
    return tuple(
        (v is None, f"{v:.6g}" if isinstance(v, float) else str(v)) for v in map(_comparable, row)
    )


def _equal(a: object, b: object) -> bool:
    a, b = _comparable(a), _comparable(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12) or (
            math.isnan(a) and math.isnan(b)
        )
    return a == b


def _type(name: str) -> str:
    # a Spark timestamp is an instant, written to Parquet as UTC
    return "TIMESTAMP" if name == "TIMESTAMP WITH TIME ZONE" else name


def _differences(root: Path) -> list[str]:
    """Every mart whose columns, types or rows differ between the engines, in words."""
    con = duckdb.connect(str(root / "work.duckdb"), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    marts = [
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
    ]
    assert len(marts) > 20, marts
    found = []
    for mart in marts:
        columns = [
            d[0]
            for d in con.execute(f"select * from marts.{mart} limit 0").description
            if d[0] not in RUN_CLOCK.get(mart, set())
        ]
        duck = con.execute(f"select {', '.join(columns)} from marts.{mart}")
        duck_types = [_type(str(d[1])) for d in duck.description]
        duck_rows = duck.fetchall()
        files = root / "spark" / "warehouse" / "marts.db" / mart
        if not files.exists():
            found.append(f"{mart}: not built on Spark")
            continue
        spark = con.execute(
            f"select {', '.join(columns)} from read_parquet('{files}/**/*.parquet')"
        )
        spark_types = [_type(str(d[1])) for d in spark.description]
        spark_rows = spark.fetchall()
        if duck_types != spark_types:
            pairs = zip(columns, duck_types, spark_types, strict=True)
            found.append(f"{mart}: types {[p for p in pairs if p[1] != p[2]]}")
        if len(duck_rows) != len(spark_rows):
            found.append(f"{mart}: {len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark")
            continue
        for d, s in zip(
            sorted(duck_rows, key=_sort_key), sorted(spark_rows, key=_sort_key), strict=True
        ):
            if not all(_equal(a, b) for a, b in zip(d, s, strict=True)):
                found.append(f"{mart}: DuckDB {d} != Spark {s}")
                break
    con.close()
    return found


def _day_from_one_csv(root: Path) -> tuple[str, Path]:
    """A request day whose rows all came from one CSV file, and that file."""
    with duckdb.connect(str(root / "work.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        day, file = con.execute(
            """select cast(requested_at as date), min(_file) from raw.api_logs
               group by 1 having count(distinct _file) = 1 and min(_file) like '%.csv.gz'
               order by 1 limit 1"""
        ).fetchall()[0]
    return str(day), root / "landing" / file


def _requests_on(root: Path, day: str) -> int:
    with duckdb.connect(str(root / "work.duckdb"), read_only=True) as con:
        return con.execute(
            "select coalesce(sum(requests), 0) from marts.fct_api_usage_daily where date_day = ?",
            [day],
        ).fetchall()[0][0]


def _late_october_calls(root: Path) -> Path:
    """A late export of 30,000 October production calls of one app whose account
    October bill is charged by the call beyond what its plan includes (and not
    capped): October is complete, so its bill changes and is restated."""
    with duckdb.connect(str(root / "work.duckdb"), read_only=True) as con:
        app_id = con.execute(
            """select min(a.app_id) from marts.dim_applications as a
               join marts.fct_account_billing_monthly as b using (account_id)
               where b.month_start = date '2026-10-01' and b.is_month_complete
                 and b.plan_id in ('payg', 'developer', 'scale') and not b.is_hard_capped"""
        ).fetchall()[0][0]
    assert app_id is not None, "no account billed by the call in October"
    rows = "".join(
        f"late-oct-{i},2026-10-28T{i % 24:02d}:00:00Z,{app_id},production,GET,/v1/hello,200\n"
        for i in range(30_000)
    )
    late = root / "landing" / "api_logs" / "late" / "october-late.csv"
    late.parent.mkdir(parents=True, exist_ok=True)
    late.write_text("request_id,requested_at,app_id,environment,method,path,status_code\n" + rows)
    return late


def _restatements(root: Path) -> int:
    with duckdb.connect(str(root / "work.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_bill_restatements").fetchall()[0][0]


def test_marts_on_spark_equal_duckdbs_after_a_full_and_an_incremental_build(tmp_path):
    if shutil.which("java") is None:
        pytest.fail("Java is not installed: apt-get install -y openjdk-17-jre-headless (.ci/run)")
    started = time.monotonic()
    source, landing = tmp_path / "source", tmp_path / "landing"
    # 24 October to 6 November: October is complete once November has data
    generate(
        DemoConfig(
            out=source,
            days=14,
            requests_per_day=150,
            accounts=20,
            seed=13,
            end_date=dt.date(2026, 11, 6),
        )
    )
    late = next((source / "api_logs").rglob("late-delivery-*.jsonl"))
    days = sorted(p.name.removeprefix("date=") for p in (source / "api_logs").glob("date=*"))
    held_back = [source / "api_logs" / f"date={day}" for day in days[-2:]]

    # full build: every source, the api_logs of all but the last two days, no late file
    shutil.copytree(source, landing, ignore=shutil.ignore_patterns("late-*"))
    for folder in held_back:
        shutil.rmtree(landing / folder.relative_to(source))
    _load(tmp_path, "batch-1")
    _build_both(tmp_path)
    assert _differences(tmp_path) == []

    # incremental: the last two days, the late files (October's restates its bills),
    # and a corrected export of one day's only file that holds no rows any more
    # (its header alone)
    _late_october_calls(tmp_path)
    for folder in held_back:
        shutil.copytree(folder, landing / folder.relative_to(source))
    shutil.copy(late, landing / late.relative_to(source))
    emptied_day, corrected = _day_from_one_csv(tmp_path)
    assert _requests_on(tmp_path, emptied_day) > 0
    header = gzip.decompress(corrected.read_bytes()).decode().splitlines(keepends=True)[0]
    corrected.write_bytes(gzip.compress(header.encode()))
    _load(tmp_path, "batch-2")
    _build_both(tmp_path)
    assert _requests_on(tmp_path, emptied_day) == 0
    assert _restatements(tmp_path) >= 1
    assert _differences(tmp_path) == []
    print(f"\nSpark equality test: {time.monotonic() - started:.0f} s")
