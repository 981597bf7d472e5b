"""Every setting of Hourglass, read from the environment in this one module.

`Settings.from_env()` builds a frozen `Settings` once (per command, per Dagster
run); everything else receives it, or the values it needs, as arguments. Each
setting has one environment variable, one Python name and one default, listed
in `VARIABLES` (the README's settings table says the same). dbt's profile
(profiles.yml) reads the working database and the DuckDB limits from the same
variables with the same defaults; tests/test_settings.py keeps them equal.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The published file was called HOURGLASS_WAREHOUSE_PATH until the working
# database got its own name; the old variable still works, with a warning.
DEPRECATED = {"HOURGLASS_WAREHOUSE_PATH": "HOURGLASS_PUBLISHED_PATH"}


@dataclass(frozen=True)
class Settings:
    """Paths (absolute; relative values are relative to the project folder) and knobs.

    Raises ValueError when a number does not parse."""

    landing_dir: Path
    published_path: Path  # the file BI tools open
    work_path: Path  # the working database loaders and dbt build; BI tools never open it
    reports_dir: Path
    dagster_home: Path
    max_reject_share: float
    duckdb_threads: int
    duckdb_memory_limit: str
    # DuckDB spills here; default: DuckDB's own default for the working database
    duckdb_temp_directory: Path
    published_storage_version: str
    nightly_cron: str
    freshness_hours: float
    # freshness is measured at this instant (ISO 8601, UTC unless it says); None: when
    # the check runs. For replayed or generated data that ends on a fixed day.
    freshness_as_of: dt.datetime | None
    blocking_checks: frozenset[str]
    # the alert destinations (hourglass/alerts.py); None: no alerts are sent
    alerts_config: Path | None
    # where dbt builds: "duckdb" (the working database) or "spark" (docs/spark.md)
    engine: str
    # on Spark, the loaders' validated raw tables as Parquet (hourglass/raw_export.py)
    raw_parquet_dir: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment (default: os.environ) gives."""
        env = _with_renamed(os.environ if environ is None else environ)
        values = {
            name: env.get(variable, default) for name, (variable, default) in VARIABLES.items()
        }
        work_path = _path(values["work_path"])
        return cls(
            landing_dir=_path(values["landing_dir"]),
            published_path=_path(values["published_path"]),
            work_path=work_path,
            reports_dir=_path(values["reports_dir"]),
            dagster_home=_path(values["dagster_home"]),
            max_reject_share=float(values["max_reject_share"]),
            duckdb_threads=int(values["duckdb_threads"]),
            duckdb_memory_limit=values["duckdb_memory_limit"],
            duckdb_temp_directory=_path(values["duckdb_temp_directory"] or f"{work_path}.tmp"),
            published_storage_version=values["published_storage_version"],
            nightly_cron=values["nightly_cron"],
            freshness_hours=float(values["freshness_hours"]),
            freshness_as_of=_instant(values["freshness_as_of"]),
            blocking_checks=frozenset(
                name.strip() for name in values["blocking_checks"].split(",") if name.strip()
            ),
            alerts_config=_path(values["alerts_config"]) if values["alerts_config"] else None,
            engine=_engine(values["engine"]),
            raw_parquet_dir=_path(values["raw_parquet_dir"]),
        )

    def environment(self) -> dict[str, str]:
        """These settings as environment variables, for processes Hourglass starts
        (dbt reads the working database and DuckDB limits from them)."""
        env = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            if isinstance(value, frozenset):
                value = ",".join(sorted(value))
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            env[VARIABLES[field.name][0]] = str(value)
        return env

    @property
    def duckdb_config(self) -> dict[str, str | int]:
        """The DuckDB settings of dbt's profile, for every session Hourglass opens
        on the working database."""
        return {
            "threads": self.duckdb_threads,
            "memory_limit": self.duckdb_memory_limit,
            "temp_directory": str(self.duckdb_temp_directory),
        }


# Python name -> (environment variable, default)
VARIABLES: dict[str, tuple[str, str]] = {
    "landing_dir": ("HOURGLASS_LANDING_DIR", "data/landing"),
    "published_path": ("HOURGLASS_PUBLISHED_PATH", "data/warehouse.duckdb"),
    "work_path": ("HOURGLASS_WORK_PATH", "data/work/work.duckdb"),
    "reports_dir": ("HOURGLASS_REPORTS_DIR", "data/reports"),
    "dagster_home": ("DAGSTER_HOME", "data/dagster"),
    "max_reject_share": ("HOURGLASS_MAX_REJECT_SHARE", "0.05"),
    "duckdb_threads": ("HOURGLASS_DUCKDB_THREADS", "2"),
    "duckdb_memory_limit": ("HOURGLASS_DUCKDB_MEMORY_LIMIT", "4GB"),
    "duckdb_temp_directory": ("HOURGLASS_DUCKDB_TEMP_DIRECTORY", ""),
    "published_storage_version": ("HOURGLASS_PUBLISHED_STORAGE_VERSION", "v1.1.0"),
    "nightly_cron": ("HOURGLASS_NIGHTLY_CRON", "0 2 * * *"),
    "freshness_hours": ("HOURGLASS_FRESHNESS_HOURS", "48"),
    "freshness_as_of": ("HOURGLASS_FRESHNESS_AS_OF", ""),
    "blocking_checks": ("HOURGLASS_BLOCKING_CHECKS", "reject_rate,row_conservation"),
    "alerts_config": ("HOURGLASS_ALERTS_CONFIG", ""),
    "engine": ("HOURGLASS_ENGINE", "duckdb"),
    "raw_parquet_dir": ("HOURGLASS_RAW_PARQUET_DIR", "data/work/raw"),
}

ENGINES = ("duckdb", "spark")  # the targets of profiles.yml that build the warehouse


def _engine(value: str) -> str:
    if value not in ENGINES:
        raise ValueError(f"HOURGLASS_ENGINE is {value!r}: expected one of {', '.join(ENGINES)}")
    return value


def _path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _instant(value: str) -> dt.datetime | None:
    if not value:
        return None
    instant = dt.datetime.fromisoformat(value)
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


def _with_renamed(environ: Mapping[str, str]) -> dict[str, str]:
    env = dict(environ)
    for old, new in DEPRECATED.items():
        if old in env:
            warnings.warn(
                f"{old} is deprecated: set {new} instead"
                + (f" ({new} is set and wins)" if new in env else ""),
                FutureWarning,  # shown to users by default, unlike DeprecationWarning
                stacklevel=3,
            )
            env.setdefault(new, env[old])
    return env


def plans_seed() -> Path:
    """The plan catalogue seed (the allowed plan ids of subscriptions)."""
    return PROJECT_ROOT / "seeds" / "plans.csv"
