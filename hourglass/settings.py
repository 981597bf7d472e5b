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


def work_path() -> Path:
    """The working database the loaders and dbt build; BI tools never open it."""
    return _path("HOURGLASS_WORK_PATH", "data/work/warehouse.duckdb")


def published_storage_version() -> str:
    """DuckDB storage format of the published file: one that DuckDB 1.x clients,
    which most BI drivers embed, can open."""
    return os.environ.get("HOURGLASS_PUBLISHED_STORAGE_VERSION", "v1.1.0")


def nightly_cron() -> str:
    return os.environ.get("HOURGLASS_NIGHTLY_CRON", "0 2 * * *")


def freshness_hours() -> float:
    """The newest request may be at most this old before the freshness check fails."""
    return float(os.environ.get("HOURGLASS_FRESHNESS_HOURS", "48"))


def blocking_checks() -> set[str]:
    """Checks that stop the run (and the publish) when they fail; the others warn."""
    value = os.environ.get("HOURGLASS_BLOCKING_CHECKS", "reject_rate,row_conservation")
    return {name.strip() for name in value.split(",") if name.strip()}
