"""One name per setting: the environment, Settings, dbt's profile and every
DuckDB session on the working database agree."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from hourglass.settings import PROJECT_ROOT, VARIABLES, Settings
from hourglass.work_database import claim, connect


def test_dbt_profile_reads_the_same_variables_with_the_same_defaults():
    profile = (PROJECT_ROOT / "profiles.yml").read_text()
    read = dict(re.findall(r"env_var\('(\w+)', '([^']*)'\)", profile))
    for name in ("work_path", "duckdb_threads", "duckdb_memory_limit", "duckdb_temp_directory"):
        variable, default = VARIABLES[name]
        assert read[variable] == default, variable
    # the temp directory defaults to DuckDB's own <working database>.tmp on both sides
    assert "env_var('HOURGLASS_WORK_PATH', 'data/work/work.duckdb') ~ '.tmp'" in profile
    settings = Settings.from_env({})
    assert settings.duckdb_temp_directory == PROJECT_ROOT / "data/work/work.duckdb.tmp"


def test_defaults_are_relative_to_the_project_and_round_trip_through_the_environment(tmp_path):
    settings = Settings.from_env({"HOURGLASS_PUBLISHED_PATH": "out/bi.duckdb"})
    assert settings.published_path == PROJECT_ROOT / "out" / "bi.duckdb"
    assert settings.work_path == PROJECT_ROOT / "data" / "work" / "work.duckdb"
    assert settings.blocking_checks == {"reject_rate", "row_conservation"}
    spelled_out = settings.environment()
    assert spelled_out["HOURGLASS_PUBLISHED_PATH"] == str(PROJECT_ROOT / "out" / "bi.duckdb")
    assert Settings.from_env(spelled_out) == settings
    as_of = Settings.from_env({"HOURGLASS_FRESHNESS_AS_OF": "2026-11-21"}).freshness_as_of
    assert as_of.isoformat() == "2026-11-21T00:00:00+00:00"


def test_the_old_name_of_the_published_path_still_works_with_a_warning(tmp_path):
    old = str(tmp_path / "old.duckdb")
    with pytest.warns(FutureWarning, match="HOURGLASS_WAREHOUSE_PATH is deprecated"):
        assert Settings.from_env({"HOURGLASS_WAREHOUSE_PATH": old}).published_path == Path(old)
    with pytest.warns(FutureWarning, match="HOURGLASS_PUBLISHED_PATH is set and wins"):
        settings = Settings.from_env(
            {"HOURGLASS_WAREHOUSE_PATH": old, "HOURGLASS_PUBLISHED_PATH": str(tmp_path / "new")}
        )
    assert settings.published_path == tmp_path / "new"


def test_sessions_on_the_working_database_get_dbts_duckdb_limits(tmp_path):
    settings = Settings.from_env(
        {
            "HOURGLASS_WORK_PATH": str(tmp_path / "w" / "work.duckdb"),
            "HOURGLASS_DUCKDB_THREADS": "1",
            "HOURGLASS_DUCKDB_MEMORY_LIMIT": "300MB",
        }
    )
    with connect(settings) as con:  # a write session creates the folder and the file
        values = con.execute(
            "select current_setting('threads'), current_setting('memory_limit'), "
            "current_setting('temp_directory'), current_setting('TimeZone')"
        ).fetchall()[0]
    # DuckDB reports 300MB as 286.1 MiB
    assert values == (1, "286.1 MiB", f"{tmp_path}/w/work.duckdb.tmp", "UTC")
    with (
        connect(settings, read_only=True) as con,
        pytest.raises(duckdb.InvalidInputException, match="read-only"),
    ):
        con.execute("create table t (x int)")


def test_a_working_database_builds_one_published_file(tmp_path):
    work = tmp_path / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        claim(con, tmp_path / "a.duckdb")
        claim(con, tmp_path / "a.duckdb")  # the same file again is fine
        with pytest.raises(ValueError) as error:
            claim(con, tmp_path / "b.duckdb")
    assert str(error.value) == (
        f"the working database {work} builds {tmp_path}/a.duckdb, not {tmp_path}/b.duckdb: "
        "set HOURGLASS_WORK_PATH to a working database of its own"
    )
