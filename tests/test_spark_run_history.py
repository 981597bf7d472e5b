"""On Spark the nightly job records its run in ops.run_history, as publishing
does on DuckDB (issue 13): the code location swaps the DuckDB-only assets for
the `ops/run_history` step. No Spark is started: the step reads Dagster's event
log and the loaders' manifest, which are the same on both engines."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
from dagster import DagsterInstance, materialize

from hourglass.generate import DemoConfig, generate
from hourglass.settings import PROJECT_ROOT

ASSET_KEYS = (
    "from orchestration.definitions import defs; import json; print(json.dumps(sorted("
    "k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys())))"
)


def _asset_keys(engine: str) -> set[str]:
    found = subprocess.run(
        [sys.executable, "-c", ASSET_KEYS],
        cwd=PROJECT_ROOT,
        env={**os.environ, "HOURGLASS_ENGINE": engine},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(found.stdout.splitlines()[-1]))


def test_the_spark_code_location_records_runs_instead_of_publishing(dbt_manifest):
    duckdb_keys, spark_keys = _asset_keys("duckdb"), _asset_keys("spark")
    # the assets that read the marts from the working database are DuckDB's alone
    assert duckdb_keys - spark_keys == {
        "published/warehouse",
        "reports/funnel_hourglass",
        "reports/growth",
        "alerts/delivered",
    }
    assert spark_keys - duckdb_keys == {"ops/run_history"}


def test_a_spark_run_writes_its_row_of_run_history(dbt_manifest, warehouse_env, monkeypatch):
    landing, work = warehouse_env
    generate(DemoConfig(out=landing, days=3, requests_per_day=40, accounts=4, seed=3))
    monkeypatch.setenv("HOURGLASS_ENGINE", "spark")
    monkeypatch.setenv("HOURGLASS_RAW_PARQUET_DIR", str(work.parent / "raw"))
    from orchestration.assets.raw import load_sources
    from orchestration.assets.run_record import recorded_run
    from orchestration.resources import WorkingDatabase

    result = materialize(
        [load_sources, recorded_run],
        resources={"work_db": WorkingDatabase()},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    with duckdb.connect(str(work), read_only=True) as con:
        rows = con.execute(
            """select run_id, status, rows_read, rows_loaded, rows_rejected, files_loaded,
                      checks_failed, checks, as_of_date, published_version
               from ops.run_history"""
        ).fetchall()
        manifest = con.execute(
            """select sum(rows_read), sum(rows_loaded), sum(rows_rejected),
                      count(*) filter (where status = 'loaded')
               from raw.loaded_files"""
        ).fetchall()[0]
    assert len(rows) == 1
    run_id, status, read, loaded, rejected, files, failed, checks, as_of, version = rows[0]
    assert (run_id, status) == (result.run_id, "built")
    # what the loaders' manifest says this run loaded: the demo's 141 rows in 19 files
    assert (read, loaded, rejected, files) == manifest
    assert read == loaded + rejected == 141 and rejected > 0
    # the loaders' checks, by name, as on DuckDB (the demo's old days warn on freshness)
    checks = json.loads(checks)
    assert {"reject_rate", "row_conservation", "freshness"} <= set(checks)
    assert failed == sum(c["warned"] + c["failed"] for c in checks.values())
    assert checks["reject_rate"]["failed"] == 0
    assert (as_of, version) == (None, None)  # no published file on Spark
