"""The growth pictures, rendered beside the hourglass."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from hourglass.growth_picture import write_growth_picture
from orchestration.resources import WorkingDatabase


@asset(
    key=["reports", "growth"],
    group_name="reports",
    kinds={"html"},
    deps=[
        AssetKey(["marts", "fct_retention"]),
        AssetKey(["marts", "fct_growth_accounting"]),
        AssetKey(["marts", "fct_stickiness_daily"]),
    ],
    description="The retention triangle of weekly developer cohorts and the weekly growth "
    "accounting of developers, as a standalone HTML file.",
)
def growth_report(context: AssetExecutionContext, work_db: WorkingDatabase) -> MaterializeResult:
    settings = work_db.settings
    path = write_growth_picture(settings.work_path, settings.reports_dir / "growth.html")
    context.log.info(f"growth pictures written to {path}")
    return MaterializeResult(metadata={"path": MetadataValue.path(str(path))})
