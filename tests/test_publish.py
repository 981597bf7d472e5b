"""The published file BI tools open: atomic, consistent, readable by DuckDB 1.x
and SQLAlchemy, documented, free of personal data, and kept when a run fails."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import venv
from pathlib import Path

import duckdb
import pytest
import sqlalchemy
from conftest import Demo, Landing

from hourglass.cli import run_nightly
from hourglass.generate import DemoConfig, generate

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def published(demo_warehouse: Demo) -> Path:
    return demo_warehouse.published


def test_readers_see_no_error_and_one_version_per_read_during_a_full_run(dbt_manifest, tmp_path):
    root = tmp_path
    demo = Demo(root)
    source = root / "source"
    generate(DemoConfig(out=source, days=30, requests_per_day=1500, accounts=60, seed=5))
    # a first night with the first two weeks, so there is a version to read
    for path in source.rglob("*"):
        if path.is_file() and not (
            "api_logs" in path.parts and path.parent.name > "date=2026-11-04"
        ):
            target = demo.landing / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    run_nightly(demo.settings())
    for path in (source / "api_logs").rglob("*"):
        if path.is_file():
            target = demo.landing / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())

    stop, report = root / "stop", root / "report.json"
    reader = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("published_reader.py")),
            str(demo.published),
            str(stop),
            str(report),
        ]
    )
    try:
        run_nightly(demo.settings())  # the full second night
    finally:
        stop.touch()
        reader.wait(timeout=60)
    result = json.loads(report.read_text())
    assert result["errors"] == []
    assert result["inconsistent"] == 0
    assert result["reads"] >= 50  # about ten a second through the whole run
    assert len(result["versions"]) == 2  # the old version, then the new one


def test_a_failed_blocking_check_keeps_the_last_good_version(dbt_manifest, warehouse_env):
    from conftest import run_nightly_in_process
    from test_pipeline import _handmade_landing

    landing_dir, work = warehouse_env
    published = work.parent.parent / "published.duckdb"
    _handmade_landing(landing_dir)
    assert run_nightly_in_process().success
    before = duckdb.connect(str(published), read_only=True)
    good = before.execute("select version, table_rows from ops.published_version").fetchall()
    before.close()

    Landing(landing_dir).csv(  # 2 of 3 new rows rejected: above the 5% limit
        "api_logs/bad.csv",
        "request_id,requested_at,app_id,environment,method,path,status_code\n"
        "x1,never,app1,production,GET,/v1/hello,200\n"
        "x2,2026-11-20T09:00:00Z,app1,staging,GET,/v1/hello,200\n"
        "x3,2026-11-20T09:00:00Z,app1,production,GET,/v1/hello,200\n",
    )
    result = run_nightly_in_process()
    assert not result.success
    published_now = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.path == ["published", "warehouse"]
    ]
    assert published_now == []
    assert any(
        "blocking asset check failed" in str(e.event_specific_data)
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE"
    )
    after = duckdb.connect(str(published), read_only=True)
    assert after.execute("select version, table_rows from ops.published_version").fetchall() == good
    history = (
        duckdb.connect(str(work), read_only=True)
        .execute(
            "select status, rows_read, rows_rejected, published_version from ops.run_history "
            "order by recorded_at"
        )
        .fetchall()
    )
    assert history[0][0] == "published"
    assert history[1] == ("failed: raw__api_logs_reject_rate", 3, 2, None)


def test_a_duckdb_1x_client_opens_the_published_file(published, tmp_path):
    environment = tmp_path / "duckdb1"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "duckdb==1.1.3"], check=True)
    script = (
        "import duckdb, sys; "
        f"con = duckdb.connect({str(published)!r}, read_only=True); "
        "print(duckdb.__version__, con.execute("
        "'select count(*) from marts.fct_funnel_daily').fetchall()[0][0])"
    )
    output = subprocess.run(
        [str(python), "-c", script], check=True, capture_output=True, text=True
    ).stdout.split()
    with duckdb.connect(str(published), read_only=True) as con:
        expected = con.execute("select count(*) from marts.fct_funnel_daily").fetchall()[0][0]
    assert output == ["1.1.3", str(expected)]


def test_sqlalchemy_reads_the_published_marts(published):
    engine = sqlalchemy.create_engine(f"duckdb:///{published}", connect_args={"read_only": True})
    with engine.connect() as connection:
        accounts = connection.execute(
            sqlalchemy.text("select count(*) from marts.dim_accounts")
        ).scalar_one()
        tables = sqlalchemy.inspect(connection).get_table_names(schema="marts")
    engine.dispose()  # close DuckDB's instance: it holds the file with its own settings
    with duckdb.connect(str(published), read_only=True) as con:
        assert accounts == con.execute("select count(*) from marts.dim_accounts").fetchall()[0][0]
    assert {"dim_accounts", "fct_funnel_daily", "fct_sales_call_list"} <= set(tables)


def test_published_file_holds_marts_only_with_comments_and_utc_types(published):
    con = duckdb.connect(str(published), read_only=True)
    schemas = {
        r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
    }
    assert schemas == {"marts", "ops"}
    uncommented = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' "
        "and coalesce(comment, '') = ''"
    ).fetchall()
    assert uncommented == []
    column_comments = con.execute(
        "select count(*) filter (where coalesce(comment, '') <> ''), count(*) "
        "from duckdb_columns() where schema_name = 'marts'"
    ).fetchall()[0]
    assert column_comments[0] == column_comments[1]
    zoned = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'marts' and data_type like 'TIMESTAMP WITH TIME ZONE%'"
    ).fetchall()
    assert zoned == []  # naive UTC timestamps and dates: the same day in every client


def test_no_email_address_leaves_staging(published, demo_warehouse):
    con = duckdb.connect(str(published), read_only=True)
    columns = con.execute(
        "select schema_name, table_name, column_name, data_type from duckdb_columns() "
        "where schema_name in ('marts', 'ops')"
    ).fetchall()
    assert not [c for c in columns if "email" in c[2].lower()]
    found = []
    for schema, table, column, data_type in columns:
        if data_type in ("VARCHAR", "JSON"):
            values = con.execute(
                f'select distinct "{column}" from {schema}.{table} where "{column}" is not null'
            ).fetchall()
            found += [v[0] for v in values if EMAIL.search(str(v[0]))]
    assert found == []
    # the landing zone did carry e-mail addresses
    work = duckdb.connect(str(demo_warehouse.work), read_only=True)
    assert work.execute("select count(email) from raw.signups").fetchall()[0][0] > 0


def test_reports_cope_with_empty_marts(demo_warehouse, tmp_path):
    """The picture, the publish and the summary on marts that hold no row."""
    from hourglass.picture import write_picture
    from hourglass.publish import publish
    from hourglass.report import summary_text

    work = tmp_path / "work.duckdb"
    work.write_bytes(demo_warehouse.work.read_bytes())
    with duckdb.connect(str(work)) as con:
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('marts', 'intermediate', 'ops')"
        ).fetchall():
            con.execute(f'delete from {schema}."{table}"')
    picture = write_picture(work, tmp_path / "picture.html")
    assert "<html" in picture.read_text()
    published = publish(work, tmp_path / "published.duckdb", version="empty")
    assert published.as_of_date is None
    assert set(published.tables.values()) == {0}
    summary = summary_text(published.path, work).splitlines()
    assert summary[2:5] == [
        "  as of (last day with requests)  none",
        "  published by run                empty",
        "  accounts                        0",
    ]
    assert "  requests (deduplicated)         none" in summary
