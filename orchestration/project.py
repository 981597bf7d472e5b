"""The dbt project, created once. `dagster dev` parses it on start; elsewhere
build the manifest first with `dagster-dbt project prepare-and-package
--file orchestration/project.py` (the demo command and CI do)."""

from dagster_dbt import DbtProject

from hourglass.settings import PROJECT_ROOT

dbt_project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)
dbt_project.prepare_if_dev()
