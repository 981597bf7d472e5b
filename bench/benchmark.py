"""How far one machine goes: time and peak memory of Hourglass at several sizes.

For each size (total requests over 90 days, Parquet logs) it generates a
landing zone of 91 days, then measures, each as its own process tree:

- full: the nightly job on 90 days, landing files to the published file;
- incremental: the nightly job again after the 91st day lands;
- load: the raw load alone (90 days, fresh database);
- dbt: `dbt build` alone on that loaded database;
- floor: one hand-written DuckDB script (bench/floor.sql) computing
  fct_api_usage_daily and the layer 5 and 6 daily counts from the same files.

Peak memory is the highest sum of resident memory over the process tree,
sampled every 100 ms. Usage:

    python bench/benchmark.py --sizes 1M,10M,100M [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from hourglass.cli import nightly_command

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DAYS = 90


@dataclass
class Measure:
    seconds: float
    peak_mb: float


def _tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total / 1024


def measure(command: list[str], env: dict[str, str], log: Path) -> Measure:
    """Run a command, return its wall time and the peak memory of its process tree."""
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        peak = 0.0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_mb(process.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        done.set()
        sampler.join()
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({code}); see {log}")
    return Measure(time.perf_counter() - started, peak)


def parse_size(text: str) -> int:
    units = {"K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
    text = text.strip().upper()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def run_size(label: str, requests: int, work_dir: Path, memory_limit: str) -> dict:
    base = work_dir / label
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    source, landing = base / "source", base / "landing"
    per_day = requests // DAYS
    accounts = max(200, requests // 10_000)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DAGSTER_HOME": str(base / "dagster"),
        "HOURGLASS_LANDING_DIR": str(landing),
        "HOURGLASS_WORK_PATH": str(base / "work" / "warehouse.duckdb"),
        "HOURGLASS_WAREHOUSE_PATH": str(base / "published.duckdb"),
        "HOURGLASS_REPORTS_DIR": str(base / "reports"),
        "HOURGLASS_DUCKDB_MEMORY_LIMIT": memory_limit,
        "HOURGLASS_DUCKDB_THREADS": str(os.cpu_count()),
    }
    (base / "dagster").mkdir()
    results: dict = {"label": label, "requests_per_day": per_day, "accounts": accounts}
    results["generate"] = measure(
        [
            str(BIN / "hourglass"),
            "generate",
            "--out",
            str(source),
            "--days",
            str(DAYS + 1),
            "--requests-per-day",
            str(per_day),
            "--accounts",
            str(accounts),
            "--log-format",
            "parquet",
        ],
        env,
        base / "generate.log",
    )
    # the 90 days: everything but the last day's log folder
    last_day = max(p.name for p in (source / "api_logs").glob("date=*"))
    shutil.copytree(
        source, landing, ignore=lambda d, names: [last_day] if d.endswith("api_logs") else []
    )
    nightly = nightly_command()  # the README's command
    results["full"] = measure(nightly, env, base / "full.log")
    shutil.copytree(source / "api_logs" / last_day, landing / "api_logs" / last_day)
    results["incremental"] = measure(nightly, env, base / "incremental.log")
    shutil.rmtree(landing / "api_logs" / last_day)

    alone = {**env, "HOURGLASS_WORK_PATH": str(base / "alone" / "warehouse.duckdb")}
    (base / "alone").mkdir()
    results["load"] = measure(
        [
            sys.executable,
            "-c",
            "import duckdb, pathlib, os; from hourglass.loading import load_landing; "
            "con = duckdb.connect(os.environ['HOURGLASS_WORK_PATH']); "
            "load_landing(con, pathlib.Path(os.environ['HOURGLASS_LANDING_DIR']), 'bench')",
        ],
        alone,
        base / "load.log",
    )
    results["dbt"] = measure([str(BIN / "dbt"), "build", "--quiet"], alone, base / "dbt.log")
    script = (ROOT / "bench" / "floor.sql").read_text().replace("{landing}", str(landing))
    (base / "floor.sql").write_text(script)
    results["floor"] = measure(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
            f"con.execute(\"set memory_limit = '{memory_limit}'\"); "
            "con.execute(open(sys.argv[2]).read())",
            str(base / "floor.duckdb"),
            str(base / "floor.sql"),
        ],
        env,
        base / "floor.log",
    )
    with subprocess.Popen(["du", "-sb", str(landing)], stdout=subprocess.PIPE, text=True) as du:
        results["landing_mb"] = int(du.stdout.read().split()[0]) / 1e6
    return results


def table(rows: list[dict]) -> str:
    lines = [
        "| requests (90 days) | full run s | incremental (+1 day) s | incremental / full "
        "| raw load s | dbt s | floor s | full / floor | peak memory (full) MB "
        "| peak memory (any step) MB | landing MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['label']} | failed: {r['error']} |" + " |" * 9)
            continue
        steps = ("full", "incremental", "load", "dbt", "floor")
        lines.append(
            f"| {r['label']} | {r['full'].seconds:.1f} | {r['incremental'].seconds:.1f} | "
            f"{r['incremental'].seconds / r['full'].seconds:.0%} | {r['load'].seconds:.1f} | "
            f"{r['dbt'].seconds:.1f} | {r['floor'].seconds:.1f} | "
            f"{r['full'].seconds / r['floor'].seconds:.1f}x | {r['full'].peak_mb:,.0f} | "
            f"{max(r[s].peak_mb for s in steps):,.0f} | {r['landing_mb']:,.0f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    memory_kb = int(
        next(
            line
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ).split()[1]
    )
    packages = ", ".join(
        f"{p} {version(p)}" for p in ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt")
    )
    return (
        f"{os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB memory, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}; "
        f"{packages}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1M", help="comma-separated, e.g. 1M,10M,100M")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "data" / "bench")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit")
    parser.add_argument("--write", type=Path, help="append the table to this Markdown file")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    args = parser.parse_args()
    subprocess.run(
        [
            str(BIN / "dagster-dbt"),
            "project",
            "prepare-and-package",
            "--file",
            "orchestration/project.py",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    rows = []
    for label in args.sizes.split(","):
        print(f"benchmarking {label} requests ...", flush=True)
        try:
            rows.append(run_size(label, parse_size(label), args.work_dir, args.memory_limit))
        except (RuntimeError, OSError) as exc:  # a size that fails is reported, not lost
            rows.append({"label": label, "error": str(exc)})
        print(
            json.dumps(
                {k: (v.__dict__ if isinstance(v, Measure) else v) for k, v in rows[-1].items()}
            ),
            flush=True,
        )
        if not args.keep and "error" not in rows[-1]:  # a failed size keeps its logs
            shutil.rmtree(args.work_dir / label, ignore_errors=True)
    report = (
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; "
        f"DuckDB memory_limit {args.memory_limit}.\n\n"
        f"Command: `python bench/benchmark.py --sizes {args.sizes}"
        f" --memory-limit {args.memory_limit}`\n\n{table(rows)}\n"
    )
    print(report)
    if args.write:
        with args.write.open("a") as handle:
            handle.write("\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
