"""The price tiers are checked before anything is priced: `dbt build` stops with one
error naming each graduated or volume plan whose tiers are missing or out of order
(docs/customer_success_guide.md, "Price models, each with a worked bill")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hourglass.settings import PROJECT_ROOT

BROKEN_PLANS = """\
tierless,Tierless,api_calls,0,,,,graduated
shrinking,Shrinking,api_calls,0,,,,volume
bounded,Bounded,data_gb,0,,,,graduated
"""
BROKEN_TIERS = """\
shrinking,1,1000,0.01,0
shrinking,2,500,0.005,0
shrinking,3,,0.004,0
bounded,1,1,2.00,0
bounded,2,10,1.00,0
"""


def test_broken_tiers_stop_the_build_naming_each_plan(tmp_path):
    # a copy of the dbt project, with three broken plans added
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_ROOT / name, project / name)
    for folder in ("macros", "models", "seeds", "snapshots"):
        shutil.copytree(PROJECT_ROOT / folder, project / folder)
    with (project / "seeds" / "plans.csv").open("a") as plans:
        plans.write(BROKEN_PLANS)
    with (project / "seeds" / "plan_tiers.csv").open("a") as tiers:
        tiers.write(BROKEN_TIERS)

    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--select",
            "plans plan_tiers",
            "--indirect-selection",
            "cautious",
        ],
        cwd=project,
        env={**os.environ, "HOURGLASS_WORK_PATH": str(tmp_path / "work.duckdb")},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1
    assert (
        "seeds/plan_tiers.csv: "
        "plan bounded: the last tier (2) has an up_to_quantity; it must be empty (no upper bound); "
        "plan shrinking: tier 2 does not increase: its up_to_quantity 500.0 is not above 1000.0; "
        "plan tierless: graduated plan has no tiers"
    ) in result.stdout
