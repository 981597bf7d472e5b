"""A 1M-request smoke run of the benchmark harness, so it keeps working; and the
floor it compares against computes the same usage figures as the marts."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import duckdb

from hourglass.settings import PROJECT_ROOT


def test_harness_runs_at_one_million_requests_and_the_floor_matches(dbt_manifest, tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "bench/benchmark.py",
            "--sizes",
            "1M",
            "--work-dir",
            str(tmp_path),
            "--memory-limit",
            "4GB",
            "--keep",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    output = run.stdout
    # the results table comes first; the tables of ratios, of load by format and of
    # the sessions models follow
    rows = [line for line in output.splitlines() if line.startswith("| 1M |")]
    assert len(rows) == 4, output
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert len(cells) == 11 and all(cells)
    assert float(cells[1]) > 0 and cells[3].endswith("%") and cells[7].endswith("x")
    # the sessions models' node time, from dbt's run_results.json of the full and one-day runs
    sessions = [c.strip() for c in rows[3].strip("|").split("|")]
    assert len(sessions) == 8, rows[3]
    full, day = [float(s) for s in sessions[1:3]], [float(s) for s in sessions[4:6]]
    assert min(full) > 0 and min(day) > 0 and sessions[3].endswith("%"), rows[3]
    # (from the unrounded seconds)
    assert abs(float(sessions[7].rstrip("%")) - 100 * sum(day) / sum(full)) <= 1, rows[3]

    base = tmp_path / "1M"
    con = duckdb.connect(str(base / "floor.duckdb"), read_only=True)
    con.execute(f"attach '{base / 'published.duckdb'}' as published (read_only)")
    columns = (
        "date_day, app_id, environment, resource, method, status_class, requests, "
        "billable_requests, latency_p50_ms"
    )
    # the floor read the 90 days; the incremental run then added the 91st day's
    # folder, which also holds a late file for an earlier day: leave both out
    [late] = (base / "source" / "api_logs").rglob("late-delivery-*.jsonl")
    late_day = late.stem.removeprefix("late-delivery-")
    last_day = f"(select max(date_day) from usage_daily) and date_day <> date '{late_day}'"
    for left, right in (
        ("usage_daily", "published.marts.fct_api_usage_daily"),
        ("published.marts.fct_api_usage_daily", "usage_daily"),
    ):
        differences = con.execute(
            f"select count(*) from (select {columns} from {left} where date_day <= {last_day} "
            f"except all select {columns} from {right} where date_day <= {last_day})"
        ).fetchall()[0][0]
        assert differences == 0, (left, right)
    # about a million requests (quieter weekends make it ~0.9 of the nominal size)
    assert 800_000 < con.execute("select sum(requests) from usage_daily").fetchall()[0][0] < 1e6
    # the api_logs load by format read the same rows from Parquet, JSON lines and Kong's shape
    loaded = [
        duckdb.connect(str(base / f"api_logs_{variant}.duckdb"), read_only=True)
        .execute("select count(*), count(distinct request_id) from raw.api_logs")
        .fetchall()
        for variant in ("parquet", "jsonl", "kong")
    ]
    assert loaded[0] == loaded[1] == loaded[2] and loaded[0][0][0] > 800_000


def test_a_size_measured_without_the_formats_leaves_only_the_formats_table_out(monkeypatch):
    spec = importlib.util.spec_from_file_location("benchmark", PROJECT_ROOT / "bench/benchmark.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "benchmark", bench)  # dataclasses look their module up
    spec.loader.exec_module(bench)
    step = bench.Measure(seconds=10.0, peak_mb=100.0, cpu_seconds=8.0, load=1.0)
    row = {"label": "100M", "landing_mb": 5.0, "sessions_full": {}, "sessions_incremental": {}}
    row |= {s: step for s in ("full", "incremental", "load", "dbt")}
    row["floor"] = bench.Measure(seconds=4.0, peak_mb=300.0, cpu_seconds=2.0, load=1.0)
    assert bench.table([row]).splitlines()[-1] == (
        "| 100M | 10.0 | 10.0 | 100% | 10.0 | 10.0 | 4.0 | 2.5x | 100 | 300 | 5 |"
    )
    assert "| 100M |" in bench.ratios_table([row])
    assert "| 100M |" not in bench.formats_table([row])
