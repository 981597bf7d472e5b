"""The `hourglass` command: generate demo data, run the demo, print a summary."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hourglass import settings
from hourglass.generate import DemoConfig, generate
from hourglass.picture import write_picture
from hourglass.report import summary_text


def _bin(name: str) -> str:
    """A console script installed beside this interpreter (works unactivated)."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def prepare_dagster_home() -> Path:
    """DAGSTER_HOME with Hourglass's instance settings (created on first use)."""
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(settings.PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return home


def _environment(landing: Path, warehouse: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["HOURGLASS_LANDING_DIR"] = str(landing)
    env["HOURGLASS_WAREHOUSE_PATH"] = str(warehouse)
    env["DAGSTER_HOME"] = str(prepare_dagster_home())
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def nightly_command() -> list[str]:
    """The README's way to run the nightly job."""
    return [_bin("dagster"), "job", "execute", "-m", "orchestration.definitions", "-j", "nightly"]


def nightly_environment(landing: Path, warehouse: Path) -> dict[str, str]:
    """The environment the nightly job runs in: paths, DAGSTER_HOME, this venv on PATH."""
    return _environment(landing, warehouse)


def run_nightly(landing: Path, warehouse: Path) -> None:
    """Build the dbt manifest, then run the nightly job exactly as a user would."""
    env = _environment(landing, warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    for command in (
        [
            _bin("dagster-dbt"),
            "project",
            "prepare-and-package",
            "--file",
            "orchestration/project.py",
        ],
        nightly_command(),
    ):
        print(
            "$",
            " ".join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command)),
            flush=True,
        )
        subprocess.run(command, cwd=settings.PROJECT_ROOT, env=env, check=True)


def _add_generate_arguments(
    parser: argparse.ArgumentParser, days: int, requests: int, accounts: int
) -> None:
    parser.add_argument("--days", type=int, default=days)
    parser.add_argument("--requests-per-day", type=int, default=requests)
    parser.add_argument("--accounts", type=int, default=accounts)
    parser.add_argument("--seed", type=int, default=42)
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


def _config(args: argparse.Namespace, out: Path) -> DemoConfig:
    return DemoConfig(
        out=out,
        days=args.days,
        requests_per_day=args.requests_per_day,
        accounts=args.accounts,
        seed=args.seed,
        end_date=args.end_date,
        log_format=args.log_format,
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
    if args.command == "generate":
        counts = generate(_config(args, args.out))
        for source, rows in counts.items():
            print(f"{source:<18} {rows:>12,} rows")
        print(f"landing zone written to {args.out}")
    elif args.command == "demo":
        landing, warehouse = settings.landing_dir(), settings.warehouse_path()
        print(f"Generating demo landing files in {landing} ...", flush=True)
        generate(_config(args, landing))
        run_nightly(landing, warehouse)
        print(next_steps(warehouse))
    elif args.command == "summary":
        print(summary_text(settings.warehouse_path(), settings.work_path()))
    elif args.command == "dagster-home":
        print(prepare_dagster_home())
    elif args.command == "picture":
        out = args.out or settings.reports_dir() / "funnel_hourglass.html"
        print(write_picture(settings.warehouse_path(), out, args.start, args.end))
    return 0


def next_steps(warehouse: Path) -> str:
    python = Path(sys.executable)
    return f"""
{summary_text(warehouse, settings.work_path())}

Query the marts (read-only, so the nightly job can still write):
  {python} -c "import duckdb; con = duckdb.connect('{warehouse}', read_only=True); \\
print(con.sql('select * from marts.dim_accounts limit 5'))"

The funnel hourglass of the last 28 days (open it in a browser):
  {settings.reports_dir() / "funnel_hourglass.html"}

Open the Dagster UI (asset graph, runs, checks, metadata):
  cd {settings.PROJECT_ROOT} && \\
  DAGSTER_HOME={settings.dagster_home()} {python.parent / "dagster"} dev
"""


if __name__ == "__main__":
    sys.exit(main())
