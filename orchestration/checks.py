"""Asset checks on the loaded sources, evaluated by the loading step right after
its loads (one step instead of one per check). Which ones block the run (and so
the publish) is configuration: HOURGLASS_BLOCKING_CHECKS (default reject_rate
and row_conservation); dbt tests are checks too, blocking when their dbt
severity is error."""

import datetime as dt
from collections.abc import Iterator

import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec

from hourglass.checks import newest_request_age_hours, reject_rate, unconserved_files
from hourglass.settings import Settings

# Whether a check blocks is part of the definitions, so read when they load.
BLOCKING = Settings.from_env().blocking_checks

_DESCRIPTIONS = {
    "reject_rate": (
        "Fails when more than HOURGLASS_MAX_REJECT_SHARE (default 5%) of the source's "
        "rows in this run were rejected; within the limit it passes and says how many."
    ),
    "row_conservation": (
        "Every file: rows read = rows loaded + rows rejected, as the tables hold them."
    ),
    "freshness": (
        "The newest request is at most HOURGLASS_FRESHNESS_HOURS (default 48) old, at "
        "HOURGLASS_FRESHNESS_AS_OF (default: now; the demo sets the end of its data)."
    ),
}


def _spec(source: str, check: str) -> AssetCheckSpec:
    return AssetCheckSpec(
        check,
        asset=["raw", source],
        blocking=check in BLOCKING,
        description=_DESCRIPTIONS[check],
    )


def check_specs(source: str) -> list[AssetCheckSpec]:
    """The checks of one source's raw asset (api_logs also has freshness)."""
    checks = ["reject_rate", "row_conservation"] + (["freshness"] if source == "api_logs" else [])
    return [_spec(source, check) for check in checks]


def _severity(check: str) -> AssetCheckSeverity:
    return AssetCheckSeverity.ERROR if check in BLOCKING else AssetCheckSeverity.WARN


def _reject_rate(
    con: duckdb.DuckDBPyConnection, source: str, run_id: str, settings: Settings
) -> AssetCheckResult:
    rate = reject_rate(con, source, run_id)
    limit = settings.max_reject_share
    metadata = {
        "rows_read": rate.rows_read,
        "rows_rejected": rate.rows_rejected,
        "files_rejected": rate.files_rejected,
        "reject_share": rate.share,
        "limit": limit,
    }
    rejected = (
        f"{rate.rows_rejected} of {rate.rows_read} rows ({rate.share:.1%}) rejected, "
        f"{rate.files_rejected} files rejected whole"
    )
    if rate.share > limit:
        return AssetCheckResult(
            asset_key=["raw", source],
            check_name="reject_rate",
            passed=False,
            severity=_severity("reject_rate"),
            metadata=metadata,
            description=f"{rejected}: above the {limit:.0%} limit; see raw.rejects",
        )
    return AssetCheckResult(
        asset_key=["raw", source],
        check_name="reject_rate",
        passed=True,
        metadata=metadata,
        description=f"{rejected}: within the {limit:.0%} limit",
    )


def _row_conservation(con: duckdb.DuckDBPyConnection, source: str) -> AssetCheckResult:
    files = unconserved_files(con, source)
    return AssetCheckResult(
        asset_key=["raw", source],
        check_name="row_conservation",
        passed=not files,
        severity=_severity("row_conservation"),
        metadata={"files_not_conserved": files},
    )


def _freshness(con: duckdb.DuckDBPyConnection, settings: Settings) -> AssetCheckResult:
    as_of = settings.freshness_as_of or dt.datetime.now(dt.UTC)
    age = newest_request_age_hours(con, as_of)
    limit = settings.freshness_hours
    return AssetCheckResult(
        asset_key=["raw", "api_logs"],
        check_name="freshness",
        passed=age is not None and age <= limit,
        severity=_severity("freshness"),
        metadata={
            "newest_request_age_hours": age,
            "limit_hours": limit,
            "as_of": as_of.isoformat(),
        },
    )


def source_checks(
    con: duckdb.DuckDBPyConnection, source: str, run_id: str, settings: Settings
) -> Iterator[AssetCheckResult]:
    """The results of `check_specs(source)` after this run's load of the source."""
    yield _reject_rate(con, source, run_id, settings)
    yield _row_conservation(con, source)
    if source == "api_logs":
        yield _freshness(con, settings)
