"""The loader publishes staged files in batches, one transaction each: a batch
costs one commit, a file that fails at publishing is rejected alone, and a crash
mid-batch leaves no part of a file behind."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest
from conftest import rows

from hourglass.contract import SOURCES
from hourglass.loading import Loader

HEADER = "request_id,requested_at,app_id,environment,method,path,status_code"


def _write(landing, name: str, first: int, count: int, status: int = 200) -> None:
    """api_logs/<name>: `count` requests r<first>.. on 2026-11-<first's day>."""
    lines = [
        f"r{n},2026-11-{10 + n // 100:02d}T10:00:00Z,app_1,production,GET,/v1/a,{status}"
        for n in range(first, first + count)
    ]
    landing.csv(f"api_logs/{name}", "\n".join([HEADER, *lines]) + "\n")


class _Counting:
    """A connection that counts the commits it runs and, optionally, kills its
    process when it starts the `kill_at`-th insert into raw.api_logs."""

    def __init__(self, con: duckdb.DuckDBPyConnection, kill_at: int | None = None):
        self.con, self.kill_at = con, kill_at
        self.commits, self.inserts = 0, 0

    def __getattr__(self, name):
        return getattr(self.con, name)

    def execute(self, sql: str, *args):
        self.commits += sql.strip() == "commit"
        if sql.lstrip().startswith("insert into raw.api_logs"):
            self.inserts += 1
            if self.inserts == self.kill_at:
                import os
                import signal

                os.kill(os.getpid(), signal.SIGKILL)
        return self.con.execute(sql, *args)


def test_a_batch_is_published_in_one_commit(landing, con):
    for index in range(5):  # 10 rows each
        _write(landing, f"f{index}.csv", 100 * index + 1, 10)
    counting = _Counting(con)
    result = Loader(counting, landing.root, "b1", batch_rows=20).load_source("api_logs")

    assert [f.status for f in result.files] == ["loaded"] * 5
    assert counting.commits == 3  # f0+f1 (20 rows), f2+f3, then f4 at the end
    # now() is the transaction's start: the files of a batch share it
    batches = rows(
        con,
        "select list(file order by file) from raw.loaded_files group by loaded_at order by 1",
    )
    assert batches == [
        (["api_logs/f0.csv", "api_logs/f1.csv"],),
        (["api_logs/f2.csv", "api_logs/f3.csv"],),
        (["api_logs/f4.csv"],),
    ]
    assert rows(
        con,
        "select count(*) from raw.api_logs join raw.loaded_files on file = _file "
        "where _loaded_at = loaded_at",
    ) == [(50,)]


def test_a_file_that_fails_at_publishing_is_rejected_alone(landing, con):
    # a constraint the validation does not know, so only the insert into raw finds it
    api_logs = SOURCES["api_logs"]
    columns = ", ".join(f"{c.name} {c.sql_type}" for c in api_logs.columns)
    con.execute("create schema raw")
    con.execute(
        f"create table raw.api_logs ({columns}, _file varchar not null, "
        "_row_number bigint not null, _batch_id varchar not null, "
        "_loaded_at timestamptz not null, check (status_code <> 418))"
    )
    _write(landing, "a.csv", 1, 3)
    _write(landing, "b.csv", 101, 4)
    _write(landing, "c.csv", 201, 5)
    first = Loader(con, landing.root, "b1").load_source("api_logs")
    assert [f.status for f in first.files] == ["loaded"] * 3

    # b is replaced by a version the table refuses; a new file d joins the batch
    _write(landing, "b.csv", 301, 2, status=418)
    _write(landing, "d.csv", 401, 6)
    second = Loader(con, landing.root, "b2").load_source("api_logs")

    reason = (
        "api_logs/b.csv: could not be loaded: Constraint Error: CHECK constraint failed "
        'on table "api_logs" with expression CHECK((status_code != 418))'
    )
    assert [(f.file, f.status, f.rows_read, f.rows_loaded, f.error) for f in second.files] == [
        ("api_logs/a.csv", "unchanged", 0, 0, None),
        ("api_logs/b.csv", "rejected", 0, 0, reason),
        ("api_logs/c.csv", "unchanged", 0, 0, None),
        ("api_logs/d.csv", "loaded", 6, 6, None),
    ]
    assert rows(con, "select file, status, rows_loaded, error from raw.loaded_files") == [
        ("api_logs/a.csv", "loaded", 3, None),
        ("api_logs/b.csv", "rejected", 0, reason),
        ("api_logs/c.csv", "loaded", 5, None),
        ("api_logs/d.csv", "loaded", 6, None),
    ]
    # b's earlier rows are gone, with the day they were on recorded as changed
    assert rows(con, "select _file, count(*) from raw.api_logs group by 1 order by 1") == [
        ("api_logs/a.csv", 3),
        ("api_logs/c.csv", 5),
        ("api_logs/d.csv", 6),
    ]
    assert rows(con, "select file, row_number, reason from raw.rejects") == [
        ("api_logs/b.csv", None, reason)
    ]
    assert rows(
        con,
        "select file, date_day::varchar from raw.changed_days where batch_id = 'b2' order by 1",
    ) == [("api_logs/b.csv", "2026-11-11"), ("api_logs/d.csv", "2026-11-14")]


CRASHING_LOAD = """
import sys, duckdb, pathlib
sys.path.insert(0, sys.argv[3])
from test_loading_batches import _Counting
from hourglass.loading import Loader
con = _Counting(duckdb.connect(sys.argv[1]), kill_at=int(sys.argv[4]))
Loader(con, pathlib.Path(sys.argv[2]), "crashed", batch_rows=20).load_source("api_logs")
"""


@pytest.mark.parametrize("kill_at", [1, 4])
def test_a_load_killed_mid_batch_leaves_whole_files_and_the_next_load_ends_it(
    landing, tmp_path, request, kill_at
):
    for index in range(5):  # batches: f0+f1, f2+f3, f4
        _write(landing, f"f{index}.csv", 100 * index + 1, 10)
    database = tmp_path / "work.duckdb"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(CRASHING_LOAD),
            str(database),
            str(landing.root),
            str(request.path.parent),
            str(kill_at),
        ]
    )
    assert killed.returncode == -9

    # killed inside the first batch (its first file's rows) or the second (its second file's)
    published = [] if kill_at == 1 else ["api_logs/f0.csv", "api_logs/f1.csv"]
    with duckdb.connect(str(database)) as con:
        assert [r[0] for r in rows(con, "select file from raw.loaded_files order by 1")] == (
            published
        )
        assert rows(con, "select count(*) from raw.api_logs") == [(10 * len(published),)]
        result = Loader(con, landing.root, "rerun").load_source("api_logs")
        assert [f.status for f in result.files] == ["unchanged"] * len(published) + ["loaded"] * (
            5 - len(published)
        )
        assert rows(
            con,
            "select count(*), count(distinct request_id), "
            "(select sum(rows_loaded) from raw.loaded_files) from raw.api_logs",
        ) == [(50, 50, 50)]
