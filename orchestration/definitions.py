"""Assembles the code location; the logic lives in the modules it imports."""

from dagster import Definitions, in_process_executor

from orchestration.assets.alerts import delivered_alerts
from orchestration.assets.dbt import hourglass_dbt_assets
from orchestration.assets.growth_reports import growth_report
from orchestration.assets.publish import published_warehouse
from orchestration.assets.raw import raw_assets
from orchestration.assets.reports import funnel_hourglass
from orchestration.assets.run_record import recorded_run
from orchestration.jobs import nightly_job, rebuild_days_job
from orchestration.project import ENGINE
from orchestration.resources import WorkingDatabase, dbt_resource
from orchestration.schedules import nightly_schedule
from orchestration.sensors import landing_files_sensor

# They read the marts from the working database; on Spark BI reads them where dbt built them.
DUCKDB_ONLY = [funnel_hourglass, growth_report, published_warehouse, delivered_alerts]
# Publishing records the run on DuckDB; on Spark this step does.
SPARK_ONLY = [recorded_run]

defs = Definitions(
    assets=[
        *raw_assets,
        hourglass_dbt_assets,
        *(DUCKDB_ONLY if ENGINE == "duckdb" else SPARK_ONLY),
    ],
    jobs=[nightly_job, rebuild_days_job],
    schedules=[nightly_schedule],
    sensors=[landing_files_sensor],
    resources={"dbt": dbt_resource, "work_db": WorkingDatabase()},
    # part of the one-writer rule (orchestration/resources.py): steps run one after another
    executor=in_process_executor,
)
