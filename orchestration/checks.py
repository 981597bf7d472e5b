"""Asset checks on the loaded sources. Which ones block the run (and so the
publish) is configuration: HOURGLASS_BLOCKING_CHECKS (default reject_rate and
row_conservation); dbt tests are checks too, blocking when their dbt severity
is error."""

import datetime as dt

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    asset_check,
)

from hourglass import settings
from hourglass.checks import newest_request_age_hours, reject_rate, unconserved_files
from hourglass.contract import SOURCES


def _severity(check: str) -> AssetCheckSeverity:
    blocking = check in settings.blocking_checks()
    return AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN


def _reject_rate_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=["raw", source],
        name="reject_rate",
        blocking="reject_rate" in settings.blocking_checks(),
        description=(
            "Fails when more than HOURGLASS_MAX_REJECT_SHARE (default 5%) of the source's "
            "rows in this run were rejected; warns on any rejected row or file."
        ),
    )
    def _check(context: AssetCheckExecutionContext) -> AssetCheckResult:
        with duckdb.connect(str(settings.work_path()), read_only=True) as con:
            rate = reject_rate(con, source, context.run.run_id)
        limit = settings.max_reject_share()
        metadata = {
            "rows_read": rate.rows_read,
            "rows_rejected": rate.rows_rejected,
            "files_rejected": rate.files_rejected,
            "reject_share": rate.share,
            "limit": limit,
        }
        if rate.share > limit:
            return AssetCheckResult(
                passed=False,
                severity=_severity("reject_rate"),
                metadata=metadata,
                description=f"{rate.rows_rejected} of {rate.rows_read} rows ({rate.share:.1%}) "
                f"rejected, above the {limit:.0%} limit; see raw.rejects",
            )
        if rate.rows_rejected or rate.files_rejected:
            return AssetCheckResult(
                passed=False,
                severity=AssetCheckSeverity.WARN,
                metadata=metadata,
                description=f"{rate.rows_rejected} rows and {rate.files_rejected} files "
                "rejected (within the limit); see raw.rejects",
            )
        return AssetCheckResult(passed=True, metadata=metadata)

    return _check


def _row_conservation_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=["raw", source],
        name="row_conservation",
        blocking="row_conservation" in settings.blocking_checks(),
        description="Every file: rows read = rows loaded + rows rejected, as the tables hold them.",
    )
    def _check() -> AssetCheckResult:
        with duckdb.connect(str(settings.work_path()), read_only=True) as con:
            files = unconserved_files(con, source)
        return AssetCheckResult(
            passed=not files,
            severity=_severity("row_conservation"),
            metadata={"files_not_conserved": files},
        )

    return _check


@asset_check(
    asset=["raw", "api_logs"],
    name="freshness",
    blocking="freshness" in settings.blocking_checks(),
    description="The newest request is at most HOURGLASS_FRESHNESS_HOURS (default 48) old.",
)
def api_logs_freshness() -> AssetCheckResult:
    with duckdb.connect(str(settings.work_path()), read_only=True) as con:
        age = newest_request_age_hours(con, dt.datetime.now(dt.UTC))
    limit = settings.freshness_hours()
    return AssetCheckResult(
        passed=age is not None and age <= limit,
        severity=_severity("freshness"),
        metadata={"newest_request_age_hours": age, "limit_hours": limit},
    )


source_checks = [
    *(_reject_rate_check(name) for name in SOURCES),
    *(_row_conservation_check(name) for name in SOURCES),
    api_logs_freshness,
]
