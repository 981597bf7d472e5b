"""Resources shared by the assets, and the one-writer rule.

DuckDB lets one process write a database file at a time. Hourglass keeps to
that in three ways, all declared here: every asset that writes the working
database is in the `WRITER_POOL` pool (dagster.yaml limits each pool to one
step at a time), every job carries `WRITER_TAGS` (dagster.yaml lets one such
run go at a time, the others queue), and a run executes its steps one after
another in one process (definitions.py's in_process_executor). Checks open
the database read-only.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

import duckdb
from dagster import ConfigurableResource, Failure, InitResourceContext
from dagster_dbt import DbtCliResource
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
    counts, which the assets do not ask for). About 4 s of CPU per run."""

    @cached_property
    def _cli_version(self):  # dagster-dbt's own reading of this Python's dbt-core version
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args: list[str]) -> None:
        return None


dbt_resource = LocalDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
