"""Shared fixtures: temporary landing zones and warehouses."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hourglass.loading import Loader, plan_ids
from hourglass.settings import PROJECT_ROOT

PLANS = plan_ids(duckdb.connect())  # the plan catalogue seed's ids

# pytest-xdist runs the tests in parallel workers (pyproject.toml): each gets its own
# dbt target and log folders (its manifest, partial parse and the nightly job's runs),
# which dbt, dagster-dbt and orchestration/project.py read from these variables. Set
# before any test imports the Dagster definitions.
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["DBT_TARGET_PATH"] = str(PROJECT_ROOT / "target" / f"pytest-{worker}")
    os.environ["DBT_LOG_PATH"] = os.environ["DBT_TARGET_PATH"]
DBT_TARGET = PROJECT_ROOT / os.environ.get("DBT_TARGET_PATH", "target")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Groups for pytest-xdist's loadgroup: a file's tests run on one worker (its
    module fixtures are built once), and so do all the tests reading the demo
    warehouse (a session fixture, built once per worker that asks for it)."""
    for item in items:
        group = "demo_warehouse" if "demo_warehouse" in item.fixturenames else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))


class Landing:
    """Writes landing files in any accepted format from rows given as dicts."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, relative: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def csv(self, relative: str, text: str) -> Path:
        path = self.path(relative)
        data = text.encode()
        path.write_bytes(gzip.compress(data) if relative.endswith(".gz") else data)
        return path

    def jsonl(self, relative: str, rows: list[dict | str]) -> Path:
        lines = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
        path = self.path(relative)
        data = lines.encode()
        path.write_bytes(gzip.compress(data) if relative.endswith(".gz") else data)
        return path

    def parquet(self, relative: str, table: pa.Table) -> Path:
        path = self.path(relative)
        pq.write_table(table, path)
        return path


@pytest.fixture
def landing(tmp_path: Path) -> Landing:
    return Landing(tmp_path / "landing")


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


@pytest.fixture
def load(con, landing):
    """Load one source in a new batch; returns the SourceResult."""
    batches = iter(range(1, 1000))

    def _load(source: str):
        loader = Loader(
            con,
            landing.root,
            batch_id=f"batch-{next(batches)}",
            allowed={"subscriptions": {"plan_id": PLANS}},
        )
        return loader.load_source(source)

    return _load


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def load_and_build(landing: Path, warehouse: Path, *dbt_arguments: str) -> None:
    """Load a landing zone into `warehouse`, then `dbt build --quiet` with the arguments
    (a selection: the tests that need a few marts, not the whole nightly job)."""
    import subprocess
    import sys

    from hourglass.loading import load_landing

    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, "batch-1")
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--quiet", *dbt_arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, "HOURGLASS_WORK_PATH": str(warehouse)},
        check=True,
    )


@pytest.fixture(scope="session")
def dbt_manifest():
    """The dbt manifest the Dagster definitions are built from (as CI builds it)."""
    import subprocess

    from hourglass.cli import prepare_command

    subprocess.run(prepare_command(), cwd=PROJECT_ROOT, check=True, capture_output=True)
    return DBT_TARGET / "manifest.json"


@pytest.fixture
def warehouse_env(tmp_path, monkeypatch):
    """Point the pipeline at a temporary landing zone and warehouse."""
    landing_dir = tmp_path / "landing"
    work = tmp_path / "work" / "warehouse.duckdb"
    monkeypatch.setenv("HOURGLASS_LANDING_DIR", str(landing_dir))
    monkeypatch.setenv("HOURGLASS_WORK_PATH", str(work))
    monkeypatch.setenv("HOURGLASS_PUBLISHED_PATH", str(tmp_path / "published.duckdb"))
    monkeypatch.setenv("HOURGLASS_REPORTS_DIR", str(tmp_path / "reports"))
    return landing_dir, work


@dataclass(frozen=True)
class Demo:
    """A pipeline's files, all under one root."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def work(self) -> Path:
        """The working database (raw, staging, intermediate, marts)."""
        return self.root / "work" / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        """The file BI tools open (marts, ops)."""
        return self.root / "published.duckdb"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def environment(self) -> dict[str, str]:
        return {
            "DAGSTER_HOME": str(self.root / "dagster"),
            "HOURGLASS_LANDING_DIR": str(self.landing),
            "HOURGLASS_WORK_PATH": str(self.work),
            "HOURGLASS_PUBLISHED_PATH": str(self.published),
            "HOURGLASS_REPORTS_DIR": str(self.reports),
        }

    def settings(self):
        """This environment's settings (other variables as the process has them)."""
        from hourglass.settings import Settings

        return Settings.from_env({**os.environ, **self.environment()})


@pytest.fixture(scope="session")
def demo_warehouse(dbt_manifest, tmp_path_factory) -> Demo:
    """A generated landing zone run through `dagster job execute -j nightly` once,
    as the README does; tests read its working and published databases."""
    from hourglass.cli import run_nightly
    from hourglass.generate import DemoConfig, generate

    root = tmp_path_factory.mktemp("demo")
    demo = Demo(root)
    generate(DemoConfig(out=demo.landing, days=60, requests_per_day=1500, accounts=80))
    run_nightly(demo.settings())
    return demo


def run_nightly_in_process():
    """Execute the nightly job in this process; returns the Dagster result."""
    from dagster import DagsterInstance

    from orchestration.definitions import defs

    job = defs.resolve_job_def("nightly")
    return job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)
