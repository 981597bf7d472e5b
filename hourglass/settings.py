"""Paths and knobs, each from one environment variable with a default."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(variable: str, default: str) -> Path:
    value = Path(os.environ.get(variable, default))
    return value if value.is_absolute() else PROJECT_ROOT / value


def landing_dir() -> Path:
    return _path("HOURGLASS_LANDING_DIR", "data/landing")


def warehouse_path() -> Path:
    return _path("HOURGLASS_WAREHOUSE_PATH", "data/warehouse.duckdb")


def max_reject_share() -> float:
    """A source whose share of rejected rows in a run exceeds this fails the run."""
    return float(os.environ.get("HOURGLASS_MAX_REJECT_SHARE", "0.05"))


def plans_seed() -> Path:
    return PROJECT_ROOT / "seeds" / "plans.csv"


def dagster_home() -> Path:
    """Where Dagster keeps run history, schedules and backfills."""
    return _path("DAGSTER_HOME", "data/dagster")


def reports_dir() -> Path:
    """Where rendered reports (the hourglass picture) are written."""
    return _path("HOURGLASS_REPORTS_DIR", "data/reports")
