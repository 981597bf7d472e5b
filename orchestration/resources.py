"""Resources shared by the assets."""

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource

from orchestration.project import dbt_project

# The dbt installed beside this interpreter, so an unactivated virtualenv works.
_local_dbt = Path(sys.executable).parent / "dbt"
dbt_resource = DbtCliResource(
    project_dir=dbt_project,
    dbt_executable=str(_local_dbt) if _local_dbt.exists() else (shutil.which("dbt") or "dbt"),
)
