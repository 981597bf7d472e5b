"""The hourglass picture shows the marts' figures for a date range."""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from hourglass.cli import main
from hourglass.picture import layers, stages, write_picture


def test_nightly_job_renders_the_hourglass_with_every_layer(demo_warehouse):
    page = (demo_warehouse.reports / "funnel_hourglass.html").read_text()
    for name in (
        "1. awareness",
        "5. production activity",
        "6. value generation",
        "10. end users",
        "sandbox hello world",
        "production success",
    ):
        assert name in page
    assert page.count("<polygon") == 10


def test_figures_are_the_marts_aggregated_over_the_range(demo_warehouse):
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 14)
    con = duckdb.connect(str(demo_warehouse.published), read_only=True)
    shown = {layer.number: layer for layer in layers(con, start, end)}

    def daily(table: str, column: str, aggregate: str) -> float:
        return con.execute(
            f"select {aggregate}({column}) from marts.{table} where date_day between ? and ?",
            [start, end],
        ).fetchall()[0][0]

    assert shown[6].headline.value == daily(
        "fct_funnel_l06_value_generation", "value_in_requests", "sum"
    )
    assert shown[6].secondary.value == daily(
        "fct_funnel_l06_value_generation", "value_out_requests", "sum"
    )
    assert shown[3].headline.value == daily(
        "fct_funnel_l03_sandbox_activity", "sandbox_active_developers", "avg"
    )
    # a stock is its value on the range's last day
    assert (
        shown[9].headline.value
        == con.execute(
            "select showcased_total from marts.fct_funnel_l09_showcase where date_day = ?", [end]
        ).fetchall()[0][0]
    )
    journey = stages(con, start, end)
    assert [s.name for s in journey][0] == "signed_up"
    assert (
        journey[0].developers
        == con.execute(
            """select count(*) from marts.fct_developer_journey
           where cast(cohort_week as date) between ? and ?""",
            [start, end],
        ).fetchall()[0][0]
    )


def test_picture_command_writes_the_requested_range(demo_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("HOURGLASS_WAREHOUSE_PATH", str(demo_warehouse.published))
    out = tmp_path / "week.html"
    assert main(["picture", "--start", "2026-11-09", "--end", "2026-11-15", "--out", str(out)]) == 0
    page = out.read_text()
    assert "2026-11-09 to 2026-11-15" in page
    assert re.search(r"open tickets: [\d,]+ on 2026-11-15", page)


def test_picture_defaults_to_the_last_28_days(demo_warehouse, tmp_path):
    page = write_picture(demo_warehouse.published, tmp_path / "p.html").read_text()
    assert "API value generation funnel, 2026-10-24 to 2026-11-20" in page
