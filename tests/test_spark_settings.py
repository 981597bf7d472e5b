"""The Spark target's settings and the raw export it reads (fast; no Spark needed)."""

from __future__ import annotations

import re

import duckdb
import pytest

from hourglass.contract import SOURCES
from hourglass.raw_export import RAW_TABLES, export_raw
from hourglass.settings import PROJECT_ROOT, VARIABLES, Settings


def _defaults(path: str) -> dict[str, str]:
    return dict(re.findall(r"env_var\('(\w+)', '([^']*)'\)", (PROJECT_ROOT / path).read_text()))


def test_dbt_reads_the_engine_and_the_raw_export_with_the_settings_defaults():
    engine, default_engine = VARIABLES["engine"]
    raw_dir, default_raw_dir = VARIABLES["raw_parquet_dir"]
    assert _defaults("profiles.yml")[engine] == default_engine == "duckdb"
    assert _defaults("macros/raw_tables.sql")[raw_dir] == default_raw_dir
    # the engine names the profile's target
    assert re.search(
        r"^    spark:\n      type: spark\n", (PROJECT_ROOT / "profiles.yml").read_text(), re.M
    )
    assert Settings.from_env({engine: "spark"}).engine == "spark"
    with pytest.raises(ValueError, match="HOURGLASS_ENGINE is 'postgres': expected one of"):
        Settings.from_env({engine: "postgres"})


def test_export_writes_every_raw_table_as_parquet_and_replaces_the_previous_export(
    tmp_path, load, con
):
    load("signups")  # conftest's fixtures: one source loaded, the others empty
    written = export_raw(con, tmp_path / "raw")
    assert set(written) == set(RAW_TABLES) == {*SOURCES, "loaded_files", "rejects", "changed_days"}
    files = lambda table: sorted(p.name for p in (tmp_path / "raw" / table).iterdir())  # noqa: E731
    read = duckdb.connect()
    for table in RAW_TABLES:
        assert files(table) == ["part-0.parquet"]
        exported = read.execute(f"select * from '{tmp_path}/raw/{table}/*.parquet'")
        columns = [d[0] for d in exported.description]
        assert columns == [d[0] for d in con.execute(f"select * from raw.{table}").description]
        assert len(exported.fetchall()) == written[table]
    assert written["signups"] == 0 and written["subscriptions"] == 0


def test_a_new_export_replaces_a_tables_rows(tmp_path, landing, load, con):
    landing.csv(
        "signups/a.csv",
        "developer_id,account_id,email,signed_up_at\nd1,a1,a@x.com,2026-11-01T10:00:00Z\n",
    )
    load("signups")
    assert export_raw(con, tmp_path / "raw", ("signups",)) == {"signups": 1}
    con.execute("delete from raw.signups")
    assert export_raw(con, tmp_path / "raw", ("signups",)) == {"signups": 0}
    rows = duckdb.sql(f"select count(*) from '{tmp_path}/raw/signups/*.parquet'").fetchall()
    assert rows == [(0,)]
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["signups"]
