"""On Spark, the run's row of ops.run_history once every mart is built.

There BI reads the marts where dbt built them, so no publish step writes the
row as it does on DuckDB (orchestration/assets/publish.py). It goes to the
working database, beside the loaders' manifest it counts, as on DuckDB; a
failed run is recorded there by the failure hook on both engines."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from hourglass.run_history import record_run
from orchestration.assets.dbt import MART_KEYS
from orchestration.bookkeeping import record_metadata, run_record
from orchestration.resources import WRITER_POOL, WorkingDatabase


@asset(
    key=["ops", "run_history"],
    group_name="publish",
    kinds={"duckdb"},
    deps=MART_KEYS,
    pool=WRITER_POOL,
    description=(
        "Spark: the run's row of ops.run_history in the working database (status `built`), "
        "once every mart is built and every blocking check passed."
    ),
)
def recorded_run(context: AssetExecutionContext, work_db: WorkingDatabase) -> MaterializeResult:
    with work_db.connect() as con:
        record = run_record(
            con, context.instance, context.run.run_id, context.run.job_name, "built"
        )
        record_run(con, record)
    return MaterializeResult(metadata=record_metadata(record))
