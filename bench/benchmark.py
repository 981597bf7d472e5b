"""How far one machine goes: time and peak memory of Hourglass at several sizes.

For each size (total requests over 90 days, Parquet logs) it generates a
landing zone of 91 days, then measures, each as its own process tree:

- full: the nightly job on 90 days, landing files to the published file;
- incremental: the nightly job again after the 91st day lands;
- load: the raw load alone (90 days, fresh database);
- dbt: `dbt build` alone on that loaded database;
- floor: one hand-written DuckDB script (bench/floor.sql) computing
  fct_api_usage_daily and the layer 5 and 6 daily counts from the same files;
- api_logs load by format: the 90 days of api_logs alone into a fresh
  database, as the generated Parquet files, as the same rows in gzipped JSON
  lines, and as gzipped JSON lines in Kong's log shape (the `kong` preset);
  only at the sizes `--format-sizes` names (all by default: at 100M the Kong
  variant alone takes most of an hour on 2 cores).

The sessions models (int_end_user_sessions, fct_end_user_sessions) are also
timed on their own in the full and incremental runs: their node time from the
dbt step's run_results.json.

Peak memory is the highest sum of resident memory over the process tree,
sampled every 100 ms; CPU time is the user and system time of the process
tree (steady on a machine other jobs load, where wall time is not), and the
load average (one minute) is sampled with it: other jobs on the machine show
there. Usage:

    python bench/benchmark.py --sizes 1M,10M,100M [--format-sizes 1M,10M] [--write BENCHMARKS.md]
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

import duckdb

from hourglass.cli import nightly_command
from hourglass.sql import sql_literal
from orchestration.project import dbt_project

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DAYS = 90


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    cpu_seconds: float  # user + system time of the process tree: less noisy on a shared machine
    load: float  # mean one-minute load average while it ran


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
        loads: list[float] = []
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_mb(process.pid))
                loads.append(os.getloadavg()[0])
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # with the tree's CPU time
        process.returncode = code = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({code}); see {log}")
    load = sum(loads) / len(loads) if loads else os.getloadavg()[0]
    return Measure(time.perf_counter() - started, peak, usage.ru_utime + usage.ru_stime, load)


# The sessions models (issue 16), timed on their own from dbt's run_results.json.
SESSIONS = ("int_end_user_sessions", "fct_end_user_sessions")


def sessions_seconds(run_results: Path) -> dict[str, float]:
    """Node time (s) of each sessions model, and of every node (`dbt`), in a dbt run."""
    results = json.loads(run_results.read_text())["results"]
    seconds = {
        model: sum(
            r["execution_time"] for r in results if r["unique_id"] == f"model.hourglass.{model}"
        )
        for model in SESSIONS
    }
    return seconds | {"dbt": sum(r["execution_time"] for r in results)}


# The requests in Kong's file-log shape, as hourglass/formats/presets/kong.yml reads them.
KONG = """
    select
        {'id': request_id, 'method': method, 'uri': path, 'size': request_bytes} as request,
        epoch_ms(cast(requested_at as timestamptz)) as started_at,
        {'custom_id': app_id} as consumer,
        {'tags': [environment]} as route,
        {'status': status_code, 'size': response_bytes} as response,
        {'request': latency_ms} as latencies
    from read_parquet({parquet}, hive_partitioning = false)
"""


def json_landing(landing: Path, target: Path, kong: bool) -> None:
    """The api_logs of `landing` as gzipped JSON lines (same rows, same folders; the
    generator's deliberately broken files left out)."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for parquet in sorted((landing / "api_logs").rglob("requests*.parquet")):
        out = target / parquet.relative_to(landing).with_suffix(".jsonl.gz")
        out.parent.mkdir(parents=True, exist_ok=True)
        query = KONG if kong else "select * from read_parquet({parquet}, hive_partitioning = false)"
        query = query.replace("{parquet}", sql_literal(str(parquet)))
        con.execute(f"copy ({query}) to {sql_literal(str(out))} (format json, compression gzip)")
    if kong:
        (target / "api_logs" / "_format.yml").write_text("preset: kong\n")


def measure_api_logs_load(landing: Path, database: Path, env: dict, log: Path) -> Measure:
    """The api_logs loader alone on `landing`, into a fresh database."""
    load = (
        "import duckdb, pathlib, sys; from hourglass.loading import Loader; "
        "from hourglass.settings import Settings; con = duckdb.connect(sys.argv[1]); "
        "Loader(con, pathlib.Path(sys.argv[2]), 'bench', **Settings.from_env().duckdb_config)"
        ".load_source('api_logs')"
    )
    return measure([sys.executable, "-c", load, str(database), str(landing)], env, log)


def parse_size(text: str) -> int:
    units = {"K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
    text = text.strip().upper()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def run_size(
    label: str, requests: int, work_dir: Path, memory_limit: str, formats: bool = True
) -> dict:
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
    # the dbt step's (orchestration/assets/dbt.py)
    run_results = dbt_project.project_dir / dbt_project.target_path / "runs" / "nightly"
    run_results /= "run_results.json"
    results["full"] = measure(nightly, env, base / "full.log")
    results["sessions_full"] = sessions_seconds(run_results)
    shutil.copytree(source / "api_logs" / last_day, landing / "api_logs" / last_day)
    results["incremental"] = measure(nightly, env, base / "incremental.log")
    results["sessions_incremental"] = sessions_seconds(run_results)
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
    for variant in ("parquet", "jsonl", "kong") if formats else ():
        folder = landing if variant == "parquet" else base / f"landing_{variant}"
        if variant != "parquet":
            json_landing(landing, folder, kong=variant == "kong")
        results[f"api_logs_{variant}"] = measure_api_logs_load(
            folder, base / f"api_logs_{variant}.duckdb", env, base / f"api_logs_{variant}.log"
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
        steps = ("full", "incremental", "load", "dbt", "floor", *FORMATS)
        lines.append(
            f"| {r['label']} | {r['full'].seconds:.1f} | {r['incremental'].seconds:.1f} | "
            f"{r['incremental'].seconds / r['full'].seconds:.0%} | {r['load'].seconds:.1f} | "
            f"{r['dbt'].seconds:.1f} | {r['floor'].seconds:.1f} | "
            f"{r['full'].seconds / r['floor'].seconds:.1f}x | {r['full'].peak_mb:,.0f} | "
            f"{max(r[s].peak_mb for s in steps if s in r):,.0f} | {r['landing_mb']:,.0f} |"
        )
    return "\n".join(lines)


FORMATS = ("api_logs_parquet", "api_logs_jsonl", "api_logs_kong")


def ratios_table(rows: list[dict]) -> str:
    """Each step against the floor of the same run, by wall time and by CPU time."""
    steps = ("full", "incremental", "load", "dbt")
    lines = [
        "| requests (90 days) | floor s (CPU s) | "
        + " | ".join(f"{s} / floor" for s in steps)
        + " | incremental / full | "
        + " | ".join(f"{s} / floor, CPU" for s in steps)
        + " | incremental / full, CPU | load average |",
        "|---:|" + "---:|" * (2 * len(steps) + 4),
    ]
    for r in rows:
        if "error" in r:
            continue
        floor = r["floor"]
        wall = " | ".join(f"{r[s].seconds / floor.seconds:.1f}x" for s in steps)
        cpu = " | ".join(f"{r[s].cpu_seconds / floor.cpu_seconds:.1f}x" for s in steps)
        lines.append(
            f"| {r['label']} | {floor.seconds:.1f} ({floor.cpu_seconds:.1f}) | {wall} | "
            f"{r['incremental'].seconds / r['full'].seconds:.0%} | {cpu} | "
            f"{r['incremental'].cpu_seconds / r['full'].cpu_seconds:.0%} | "
            f"{min(r[s].load for s in steps):.1f}-{max(r[s].load for s in steps):.1f} |"
        )
    return "\n".join(lines)


def sessions_table(rows: list[dict]) -> str:
    """The sessions models' node time in the full and one-day runs (dbt's own timing)."""
    lines = [
        "| requests (90 days) | full run: int_end_user_sessions s | fct_end_user_sessions s "
        "| share of dbt node time | one-day run: int_end_user_sessions s "
        "| fct_end_user_sessions s | share of dbt node time | one-day / full |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            continue
        cells = []
        for run in ("sessions_full", "sessions_incremental"):
            seconds = r[run]
            cells += [f"{seconds[m]:.2f}" for m in SESSIONS]
            cells.append(f"{sum(seconds[m] for m in SESSIONS) / seconds['dbt']:.0%}")
        full, day = (
            sum(r[run][m] for m in SESSIONS) for run in ("sessions_full", "sessions_incremental")
        )
        lines.append(f"| {r['label']} | {' | '.join(cells)} | {day / full:.0%} |")
    return "\n".join(lines)


def formats_table(rows: list[dict]) -> str:
    lines = [
        "| requests (90 days) | api_logs load, Parquet s (CPU s) | gzipped JSON lines s (CPU s) "
        "| JSON lines / Parquet (CPU) | Kong preset, gzipped JSON lines s (CPU s) "
        "| Kong / Parquet (CPU) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r or FORMATS[0] not in r:  # a size measured without the formats
            continue
        parquet, jsonl, kong = (r[f] for f in FORMATS)
        lines.append(
            f"| {r['label']} | {parquet.seconds:.1f} ({parquet.cpu_seconds:.1f}) "
            f"| {jsonl.seconds:.1f} ({jsonl.cpu_seconds:.1f}) "
            f"| {jsonl.seconds / parquet.seconds:.2f}x "
            f"({jsonl.cpu_seconds / parquet.cpu_seconds:.2f}x) "
            f"| {kong.seconds:.1f} ({kong.cpu_seconds:.1f}) "
            f"| {kong.seconds / parquet.seconds:.2f}x "
            f"({kong.cpu_seconds / parquet.cpu_seconds:.2f}x) |"
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
    parser.add_argument(
        "--format-sizes", help="the sizes to measure the api_logs load by format at (default: all)"
    )
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
            formats = args.format_sizes is None or label in args.format_sizes.split(",")
            rows.append(
                run_size(label, parse_size(label), args.work_dir, args.memory_limit, formats)
            )
        except (RuntimeError, OSError, duckdb.Error) as exc:  # a failed size is reported
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
        + (f" --format-sizes {args.format_sizes}" if args.format_sizes else "")
        + f" --memory-limit {args.memory_limit}`\n\n{table(rows)}\n\n"
        f"{ratios_table(rows)}\n\n"
        + (f"{formats_table(rows)}\n\n" if any(FORMATS[0] in r for r in rows) else "")
        + f"{sessions_table(rows)}\n"
    )
    print(report)
    if args.write:
        with args.write.open("a") as handle:
            handle.write("\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
