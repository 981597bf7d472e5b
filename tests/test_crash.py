"""Crash safety: a nightly run killed with SIGKILL during loading, during dbt or
during publish, then run again, gives exactly the marts of an uninterrupted run,
with no file loaded twice or lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from conftest import Demo

from hourglass.cli import nightly_command, nightly_environment, run_nightly
from hourglass.generate import DemoConfig, generate
from hourglass.settings import PROJECT_ROOT

# (a line the run prints, seconds to wait after it) -> where the kill lands
KILL_POINTS = {
    "loading": ("rejected file api_logs/", 0.0),  # api_logs files staged, none published
    "dbt": ("Materialized value intermediate int_requests_deduplicated", 0.0),
    "publish_start": ("published__warehouse - STEP_START", 0.0),
    "publish_copy": ("published__warehouse - STEP_START", 0.4),
}


def _demo(root: Path, source: Path) -> Demo:
    demo = Demo(root)
    shutil.copytree(source, demo.landing)
    return demo


def _environment(demo: Demo) -> dict[str, str]:
    env = nightly_environment(demo.settings())
    # A SIGKILLed `dagster job execute` never gives back its duckdb_writer pool slot,
    # so under dagster.yaml's pool limit the rerun would wait for it forever; these
    # runs use an instance without Hourglass's limits (as this test always did).
    home = demo.root / "dagster-unlimited"
    home.mkdir(exist_ok=True)
    env["DAGSTER_HOME"] = str(home)
    return env


def _run_and_kill(demo: Demo, marker: str, delay: float) -> None:
    """Run the nightly job and SIGKILL it (and dbt under it) once `marker` is printed."""
    process = subprocess.Popen(
        nightly_command(),
        cwd=PROJECT_ROOT,
        env=_environment(demo),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = False
    for line in process.stdout:
        if marker in line:
            seen = True
            time.sleep(delay)
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    process.stdout.close()
    assert seen, f"the run ended before {marker!r}"
    assert process.returncode == -signal.SIGKILL


def _marts(published: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(published), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in tables
        }


def _loaded(work: Path) -> list[tuple]:
    with duckdb.connect(str(work), read_only=True) as con:
        return (
            con.execute(
                "select source, file, rows_read, rows_loaded, rows_rejected from raw.loaded_files "
                "order by all"
            ).fetchall()
            + con.execute(
                "select 'api_logs rows', count(*), count(distinct request_id), 0, 0 "
                "from raw.api_logs"
            ).fetchall()
        )


@pytest.fixture(scope="module")
def baseline(dbt_manifest, tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    source = root / "source"
    generate(DemoConfig(out=source, days=20, requests_per_day=1500, accounts=50, seed=9))
    demo = _demo(root / "uninterrupted", source)
    run_nightly(demo.settings())
    return source, _marts(demo.published), _loaded(demo.work)


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_run_then_rerun_gives_the_uninterrupted_marts(baseline, tmp_path, point):
    source, expected_marts, expected_loaded = baseline
    demo = _demo(tmp_path, source)
    marker, delay = KILL_POINTS[point]
    _run_and_kill(demo, marker, delay)

    subprocess.run(
        nightly_command(), cwd=PROJECT_ROOT, env=_environment(demo), check=True, capture_output=True
    )

    assert _loaded(demo.work) == expected_loaded  # every file once, none lost
    marts = _marts(demo.published)
    assert marts.keys() == expected_marts.keys()
    for table, rows in expected_marts.items():
        assert marts[table] == rows, table
    assert not list(demo.published.parent.glob("published.duckdb.tmp-*"))
