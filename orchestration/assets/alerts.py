"""Alerts of the run's new sales signals, delivered once the marts are published."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from hourglass.alerts import copy_log_to_published, deliver, load_config
from orchestration.assets.publish import published_warehouse
from orchestration.resources import WRITER_POOL, WorkingDatabase


@asset(
    key=["alerts", "delivered"],
    group_name="alerts",
    deps=[published_warehouse.key],
    pool=WRITER_POOL,
    description=(
        "Each sales signal detected on as_of_date sent once to every destination of "
        "HOURGLASS_ALERTS_CONFIG, earlier failed deliveries retried, every attempt in "
        "ops.alert_deliveries of the working and the published database."
    ),
)
def delivered_alerts(context: AssetExecutionContext, work_db: WorkingDatabase) -> MaterializeResult:
    settings = work_db.settings
    if settings.alerts_config is None:
        context.log.info("HOURGLASS_ALERTS_CONFIG is not set: no alerts sent")
        return MaterializeResult(metadata={"attempts": 0})
    # the run is published: nothing here may fail it (a failed attempt is retried next run)
    try:
        config = load_config(settings.alerts_config)
        with work_db.connect() as con:
            attempts = deliver(con, config, context.run.run_id)
            copy_log_to_published(con, settings.published_path)
    except Exception as error:  # logged; the next run retries
        context.log.error(f"alerts not delivered: {error}")
        return MaterializeResult(metadata={"error": str(error)})
    statuses = {s: sum(a.status == s for a in attempts) for s in {a.status for a in attempts}}
    for attempt in attempts:
        if attempt.status == "failed":
            context.log.warning(
                f"alert {attempt.alert_key} to {attempt.destination} failed: {attempt.response}"
            )
    return MaterializeResult(
        metadata={"attempts": len(attempts), "statuses": MetadataValue.json(statuses)}
    )
