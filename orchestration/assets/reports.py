"""Reports rendered from the marts."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from hourglass.picture import write_picture
from orchestration.resources import WorkingDatabase


@asset(
    key=["reports", "funnel_hourglass"],
    group_name="reports",
    kinds={"html"},
    deps=[
        AssetKey(["marts", "fct_funnel_daily"]),
        AssetKey(["marts", "fct_funnel_conversion"]),
        AssetKey(["marts", "fct_developer_journey"]),
    ],
    description="The ten-layer hourglass for the last 28 days, as a standalone HTML file.",
)
def funnel_hourglass(context: AssetExecutionContext, work_db: WorkingDatabase) -> MaterializeResult:
    settings = work_db.settings
    path = write_picture(settings.work_path, settings.reports_dir / "funnel_hourglass.html")
    context.log.info(f"hourglass written to {path}")
    return MaterializeResult(metadata={"path": MetadataValue.path(str(path))})
