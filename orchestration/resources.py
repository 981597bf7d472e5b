"""Resources shared by the assets, and the one-writer rule.

DuckDB lets one process write a database file at a time. Hourglass keeps to
that in three ways, all declared here: every asset that writes the working
database is in the `WRITER_POOL` pool (dagster.yaml limits each pool to one
step at a time), every job carries `WRITER_TAGS` (dagster.yaml lets one such
run go at a time, the others queue), and a run executes its steps one after
another in one process (definitions.py's in_process_executor). Checks open
the database read-only.
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import duckdb
from dagster import ConfigurableResource, Failure, InitResourceContext
from dagster_dbt import DbtCliInvocation, DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION
from pydantic import PrivateAttr

from hourglass.settings import Settings
from hourglass.work_database import claim, connect
from orchestration.project import DBT_EXECUTABLE, dbt_project

WRITER_POOL = "duckdb_writer"
WRITER_TAGS = {"hourglass/writer": "warehouse"}


class WorkingDatabase(ConfigurableResource):
    """The working database of a run, with the settings read when the run starts.

    Every session gets dbt's DuckDB limits (threads, memory limit, temp
    directory) and UTC. The first write session of a run checks that the file
    belongs to this run's published file (a `Failure` naming both otherwise).
    dagster-duckdb's DuckDBResource opens every session read-write and sets no
    limits of its own, which is why this small resource exists."""

    _settings: Settings = PrivateAttr()
    _claimed: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._settings = Settings.from_env()

    @property
    def settings(self) -> Settings:
        return self._settings

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A session on the working database; closed when the block ends."""
        with connect(self._settings, read_only=read_only) as con:
            if not read_only and not self._claimed:
                try:
                    claim(con, self._settings.published_path)
                except ValueError as error:
                    raise Failure(str(error)) from None
                self._claimed = True
            yield con


class LocalDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource without two costs before every dbt command that
    Hourglass has no use for: a `dbt --version` process (the dbt beside this
    Python is the dbt-core this Python has) and a dbt adapter loaded in this
    process with every macro (used only to fetch column metadata and row
    counts, which the assets do not ask for). About 4 s of CPU per run.

    `cli` also takes `env`, environment variables for that dbt command only:
    dagster-dbt passes the dbt process a copy of this process's environment and
    has no parameter of its own for more."""

    def cli(
        self, args: list[str], *, env: Mapping[str, str] | None = None, **kwargs: Any
    ) -> DbtCliInvocation:
        """dagster-dbt's `cli`, with `env` set while the dbt process starts
        (`cli` starts it), then restored: runs in this process never overlap."""
        saved = {name: os.environ.get(name) for name in env or {}}
        os.environ.update(env or {})
        try:
            return super().cli(args, **kwargs)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    @cached_property
    def _cli_version(self):  # dagster-dbt's own reading of this Python's dbt-core version
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args: list[str]) -> None:
        return None


dbt_resource = LocalDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
