"""The run-history table of the working database (published with the marts)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import duckdb


@dataclass
class RunRecord:
    run_id: str
    job_name: str
    started_at: float | None  # unix seconds
    # publishing, then published | publish_failed; built (Spark: no publish step); or failed: <step>
    status: str
    # checks_failed counts every check that did not pass (warned or failed)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    files_loaded: int = 0
    files_rejected: int = 0
    models_built: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    as_of_date: str | None = None
    published_version: str | None = None
    sources: dict = field(default_factory=dict)  # source -> read/loaded/rejected
    step_seconds: dict = field(default_factory=dict)  # step -> duration
    checks: dict = field(default_factory=dict)  # check name -> {passed, warned, failed}


def load_stats(con: duckdb.DuckDBPyConnection, batch_id: str) -> dict[str, dict[str, int]]:
    """Files and rows each source loaded in one batch (one run)."""
    rows = con.execute(
        """select source, count(*) filter (where status in ('loaded', 'replaced')),
                  count(*) filter (where status = 'rejected'),
                  sum(rows_read), sum(rows_loaded), sum(rows_rejected)
           from raw.loaded_files where batch_id = ? group by source order by source""",
        [batch_id],
    ).fetchall()
    return {
        source: {
            "files_loaded": loaded,
            "files_rejected": rejected,
            "rows_read": int(read),
            "rows_loaded": int(ok),
            "rows_rejected": int(bad),
        }
        for source, loaded, rejected, read, ok, bad in rows
    }


def record_run(con: duckdb.DuckDBPyConnection, record: RunRecord) -> None:
    """Insert or replace the run's row of ops.run_history (created when absent)."""
    con.execute("create schema if not exists ops")
    con.execute(
        """create table if not exists ops.run_history (
            run_id varchar primary key, job_name varchar, started_at timestamptz,
            recorded_at timestamptz, status varchar, rows_read bigint, rows_loaded bigint,
            rows_rejected bigint, files_loaded integer, files_rejected integer,
            models_built integer, checks_passed integer, checks_failed integer,
            as_of_date date, published_version varchar, sources json, step_seconds json,
            checks json)"""
    )
    # working databases from before the checks column
    con.execute("alter table ops.run_history add column if not exists checks json")
    values = asdict(record)
    for name in ("sources", "step_seconds", "checks"):
        values[name] = json.dumps(values[name])
    con.execute(
        """insert or replace into ops.run_history (run_id, job_name, started_at,
            recorded_at, status, rows_read, rows_loaded, rows_rejected, files_loaded,
            files_rejected, models_built, checks_passed, checks_failed, as_of_date,
            published_version, sources, step_seconds, checks) values (
            $run_id, $job_name, to_timestamp($started_at), now(), $status, $rows_read,
            $rows_loaded, $rows_rejected, $files_loaded, $files_rejected, $models_built,
            $checks_passed, $checks_failed, cast($as_of_date as date), $published_version,
            $sources, $step_seconds, $checks)""",
        values,
    )


def set_status(con: duckdb.DuckDBPyConnection, run_id: str, status: str) -> None:
    """Change the status of a recorded run."""
    con.execute("update ops.run_history set status = ? where run_id = ?", [status, run_id])
