"""The `hourglass` command: generate demo data, run the demo, print a summary."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from hourglass.generate import DemoConfig, generate
from hourglass.picture import write_picture
from hourglass.report import summary_text
from hourglass.settings import DEPRECATED, PROJECT_ROOT, Settings

# A Dagster log line about a step: "... - <step> - STEP_SUCCESS - Finished ... in 1.2s."
STEP_EVENT = re.compile(r" - (?P<step>\w+) - STEP_(?P<event>SUCCESS|FAILURE) - (?P<text>.*)$")
# A step's error, as Dagster prints it under a STEP_FAILURE
STEP_ERROR = re.compile(r"^(?:[\w.]+\.)?(?:Failure|\w*Error|\w*Exception): (?P<message>.+)$")


def _bin(name: str) -> str:
    """A console script installed beside this interpreter (works unactivated)."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def prepare_dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME with Hourglass's instance settings (created on first use)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return home


def nightly_environment(settings: Settings) -> dict[str, str]:
    """The environment the nightly job runs in: this environment with `settings`
    spelled out (deprecated names dropped) and DAGSTER_HOME prepared."""
    env = {k: v for k, v in os.environ.items() if k not in DEPRECATED}
    env.update(settings.environment())
    env["DAGSTER_HOME"] = str(prepare_dagster_home(settings))
    return env


def prepare_command() -> list[str]:
    """The README's way to build the dbt manifest the code location loads."""
    return [
        _bin("dagster-dbt"),
        "project",
        "prepare-and-package",
        "--file",
        "orchestration/project.py",
    ]


def nightly_command() -> list[str]:
    """The README's way to run the nightly job."""
    return [_bin("dagster"), "job", "execute", "-m", "orchestration.definitions", "-j", "nightly"]


class RunFailed(Exception):
    """The nightly job failed; the message is one line per failed step."""


def run_nightly(settings: Settings, log: Path | None = None) -> None:
    """Build the dbt manifest, then run the nightly job exactly as a user would.

    Writes the commands' whole output to `log` (default: nowhere) and prints one
    line per finished step. Raises RunFailed naming each failed step and its error."""
    env = nightly_environment(settings)
    errors: list[str] = []
    with open(log or os.devnull, "w") as out:
        for command in (prepare_command(), nightly_command()):
            out.write(f"$ {' '.join(command)}\n")
            out.flush()
            process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            failed_step = None
            for line in process.stdout:
                out.write(line)
                if event := STEP_EVENT.search(line):
                    failed_step = _progress(event)
                elif failed_step and (error := STEP_ERROR.match(line.strip())):
                    errors.append(f"{failed_step}: {error['message']}")
                    failed_step = None
            if process.wait() != 0:
                errors = errors or [f"{Path(command[0]).name} exited with {process.returncode}"]
                raise RunFailed("\n".join(errors))
            if command[0] == prepare_command()[0]:
                print(
                    "  done    dbt manifest (dagster-dbt project prepare-and-package)", flush=True
                )


def _progress(event: re.Match) -> str | None:
    """Print a finished step (checks are summed up at the end); return the step's
    name when it failed."""
    step = event["step"]
    if event["event"] == "FAILURE":
        print(f"  failed  {step}", flush=True)
        return step
    if not step.startswith("raw__"):  # the loaders' checks: raw__<source>_<check>
        took = re.search(r" in ([\d.]+\w+)\.$", event["text"])
        print(f"  done    {step}{f' ({took[1]})' if took else ''}", flush=True)
    return None


def _add_generate_arguments(
    parser: argparse.ArgumentParser, days: int, requests: int, accounts: int
) -> None:
    parser.add_argument(
        "--days",
        type=int,
        default=days,
        help=f"days of data, ending on --end-date (default {days})",
    )
    parser.add_argument(
        "--requests-per-day",
        type=int,
        default=requests,
        help=f"average API requests per day (default {requests:,})",
    )
    parser.add_argument(
        "--accounts", type=int, default=accounts, help=f"customer accounts (default {accounts})"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=42,
        help="random seed: the same seed and options write the same files (default 42)",
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 20),
        help="last day of data (UTC), default 2026-11-20",
    )
    parser.add_argument(
        "--log-format",
        choices=("mixed", "parquet"),
        default="mixed",
        help="api_logs as a mix of CSV, JSON lines and Parquet, or Parquet only",
    )


def _config(args: argparse.Namespace, out: Path, settings: Settings) -> DemoConfig:
    return DemoConfig(
        out=out,
        days=args.days,
        requests_per_day=args.requests_per_day,
        accounts=args.accounts,
        seed=args.seed,
        end_date=args.end_date,
        log_format=args.log_format,
        memory_limit=settings.duckdb_memory_limit,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hourglass", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write a deterministic demo landing zone")
    gen.add_argument("--out", type=Path, required=True)
    _add_generate_arguments(gen, days=90, requests=10_000, accounts=300)

    demo = commands.add_parser(
        "demo", help="generate demo data, run the nightly job on it, print where to look"
    )
    _add_generate_arguments(demo, days=90, requests=5_000, accounts=200)

    commands.add_parser("summary", help="print headline figures of the published warehouse")
    commands.add_parser(
        "dagster-home", help="create DAGSTER_HOME with Hourglass's instance settings; print it"
    )

    picture = commands.add_parser("picture", help="render the funnel hourglass as an HTML file")
    picture.add_argument("--start", type=dt.date.fromisoformat, help="first day (UTC)")
    picture.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        help="last day (UTC), default the last day with requests",
    )
    picture.add_argument("--out", type=Path, help="default <reports dir>/funnel_hourglass.html")

    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "generate":
        counts = generate(_config(args, args.out, settings))
        for source, rows in counts.items():
            print(f"{source:<18} {rows:>12,} rows")
        print(f"landing zone written to {args.out}")
    elif args.command == "demo":
        return run_demo(settings, _config(args, settings.landing_dir, settings))
    elif args.command == "summary":
        print(summary_text(settings.published_path, settings.work_path))
    elif args.command == "dagster-home":
        print(prepare_dagster_home(settings))
    elif args.command == "picture":
        out = args.out or settings.reports_dir / "funnel_hourglass.html"
        print(write_picture(settings.published_path, out, args.start, args.end))
    return 0


def run_demo(settings: Settings, config: DemoConfig) -> int:
    """Generate the demo landing zone, run the nightly job on it, print the summary.

    Freshness is judged at the end of the generated data (the day after
    --end-date, 00:00 UTC), unless HOURGLASS_FRESHNESS_AS_OF says otherwise:
    demo data ends on a fixed day, so "now" would call it stale."""
    if settings.freshness_as_of is None:
        end_of_data = dt.datetime.combine(config.end_date, dt.time(), dt.UTC)
        settings = replace(settings, freshness_as_of=end_of_data + dt.timedelta(days=1))
    log = settings.published_path.parent / "logs" / "nightly.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"Generating demo landing files in {config.out} ...", flush=True)
    generate(config)
    print(f"Running the nightly job (full log: {log}) ...", flush=True)
    try:
        run_nightly(settings, log)
    except RunFailed as failure:
        print(f"\nThe run failed; nothing was published. See {log}\n{failure}", file=sys.stderr)
        return 1
    print(f"Done in {time.monotonic() - started:.0f} s.")
    print(next_steps(settings))
    return 0


def next_steps(settings: Settings) -> str:
    """The summary, then how to query, look at the picture and open the UI."""
    python = Path(sys.executable)
    published = settings.published_path
    return f"""
{summary_text(published, settings.work_path)}

Query the marts (read-only, so the nightly job can still write):
  {python} -c "import duckdb; con = duckdb.connect('{published}', read_only=True); \\
print(con.sql('select * from marts.dim_accounts limit 5'))"

The funnel hourglass of the last 28 days (open it in a browser):
  {settings.reports_dir / "funnel_hourglass.html"}

Open the Dagster UI (asset graph, runs, checks, metadata):
  cd {PROJECT_ROOT} && \\
  DAGSTER_HOME={settings.dagster_home} {python.parent / "dagster"} dev
"""


if __name__ == "__main__":
    sys.exit(main())
