"""The dbt project, created once, run with the dbt installed beside this Python.

`dagster dev` parses it on start; elsewhere build the manifest first with
`dagster-dbt project prepare-and-package --file orchestration/project.py`
(the demo command and CI do). Both use `LocalDbtPreparer`, so neither needs
the virtualenv activated or dbt on PATH.
"""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject, DbtProjectPreparer
from dagster_shared.record import replace

from hourglass.settings import PROJECT_ROOT, Settings

# dagster-dbt runs the `dbt` it finds on PATH unless told otherwise; an
# unactivated virtualenv has its dbt beside the interpreter, not on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


class LocalDbtPreparer(DbtProjectPreparer):
    """Parses the project into target/manifest.json with `DBT_EXECUTABLE`
    (the project has no dbt packages to install)."""

    def prepare_if_dev(self, project: DbtProject) -> None:
        if self.using_dagster_dev():
            self.prepare(project)

    def prepare(self, project: DbtProject) -> None:
        dbt = DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE)
        dbt.cli(["parse", "--quiet"], target_path=project.target_path).wait()


# The engine dbt builds on (HOURGLASS_ENGINE): profiles.yml takes its target from
# the same variable, so the dbt step follows it; the code location leaves out the
# assets that read the marts from the working database when it is not DuckDB.
ENGINE = Settings.from_env().engine

# dbt's own DBT_TARGET_PATH, when set, moves the manifest and the runs' folders
# too (the tests give each parallel worker its own).
dbt_project = replace(
    DbtProject(
        project_dir=PROJECT_ROOT,
        profiles_dir=PROJECT_ROOT,
        target_path=os.environ.get("DBT_TARGET_PATH", "target"),
    ),
    preparer=LocalDbtPreparer(),
)
dbt_project.prepare_if_dev()
