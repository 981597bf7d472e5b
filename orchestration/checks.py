"""Asset checks on the loaded sources. Which ones block the run (and so the
publish) is configuration: HOURGLASS_BLOCKING_CHECKS (default reject_rate and
row_conservation); dbt tests are checks too, blocking when their dbt severity
is error."""

import datetime as dt

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    asset_check,
)

from hourglass.checks import newest_request_age_hours, reject_rate, unconserved_files
from hourglass.contract import SOURCES
from hourglass.settings import Settings
from orchestration.resources import WorkingDatabase

# Whether a check blocks is part of the definitions, so read when they load.
BLOCKING = Settings.from_env().blocking_checks


def _severity(check: str) -> AssetCheckSeverity:
    return AssetCheckSeverity.ERROR if check in BLOCKING else AssetCheckSeverity.WARN


def _reject_rate_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=["raw", source],
        name="reject_rate",
        blocking="reject_rate" in BLOCKING,
        description=(
            "Fails when more than HOURGLASS_MAX_REJECT_SHARE (default 5%) of the source's "
            "rows in this run were rejected; within the limit it passes and says how many."
        ),
    )
    def _check(context: AssetCheckExecutionContext, work_db: WorkingDatabase) -> AssetCheckResult:
        with work_db.connect(read_only=True) as con:
            rate = reject_rate(con, source, context.run.run_id)
        limit = work_db.settings.max_reject_share
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
                passed=False,
                severity=_severity("reject_rate"),
                metadata=metadata,
                description=f"{rejected}: above the {limit:.0%} limit; see raw.rejects",
            )
        return AssetCheckResult(
            passed=True, metadata=metadata, description=f"{rejected}: within the {limit:.0%} limit"
        )

    return _check


def _row_conservation_check(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=["raw", source],
        name="row_conservation",
        blocking="row_conservation" in BLOCKING,
        description="Every file: rows read = rows loaded + rows rejected, as the tables hold them.",
    )
    def _check(work_db: WorkingDatabase) -> AssetCheckResult:
        with work_db.connect(read_only=True) as con:
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
    blocking="freshness" in BLOCKING,
    description=(
        "The newest request is at most HOURGLASS_FRESHNESS_HOURS (default 48) old, at "
        "HOURGLASS_FRESHNESS_AS_OF (default: now; the demo sets the end of its data)."
    ),
)
def api_logs_freshness(work_db: WorkingDatabase) -> AssetCheckResult:
    settings = work_db.settings
    as_of = settings.freshness_as_of or dt.datetime.now(dt.UTC)
    with work_db.connect(read_only=True) as con:
        age = newest_request_age_hours(con, as_of)
    limit = settings.freshness_hours
    return AssetCheckResult(
        passed=age is not None and age <= limit,
        severity=_severity("freshness"),
        metadata={
            "newest_request_age_hours": age,
            "limit_hours": limit,
            "as_of": as_of.isoformat(),
        },
    )


source_checks = [
    *(_reject_rate_check(name) for name in SOURCES),
    *(_row_conservation_check(name) for name in SOURCES),
    api_logs_freshness,
]
