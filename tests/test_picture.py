"""The hourglass picture shows the marts' figures for a date range, drawn to scale,
and reads in a browser from 1,024 px wide up without horizontal scrolling."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess

import duckdb
import pytest

from hourglass.cli import main
from hourglass.picture import MIN_BAND_SHARE, band_share, layers, stages, write_picture


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
    assert page.count('class="band"') == 10
    assert page.count("<polyline") == 10  # a sparkline per layer


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
    # the sparkline is the headline per day of the range
    assert list(shown[3].trend) == [
        float(v)
        for (v,) in con.execute(
            """select sandbox_active_developers from marts.fct_funnel_l03_sandbox_activity
               where date_day between ? and ? order by date_day""",
            [start, end],
        ).fetchall()
    ]
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


def test_layer_10_shows_sessions_per_day_and_the_median_session(demo_warehouse, tmp_path):
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 14)
    con = duckdb.connect(str(demo_warehouse.published), read_only=True)
    sessions, median = con.execute(
        """select count(*), quantile_cont(duration_minutes, 0.5) from marts.fct_end_user_sessions
           where started_date between ? and ?""",
        [start, end],
    ).fetchall()[0]
    shown = {layer.number: layer for layer in layers(con, start, end)}
    per_day, median_shown = (figure.value for figure in shown[10].more)
    assert sessions > 100
    assert per_day == pytest.approx(sessions / 14)
    assert median_shown == median
    assert [layer.number for layer in shown.values() if layer.more] == [10]
    page = write_picture(demo_warehouse.published, tmp_path / "s.html", start, end).read_text()
    assert shown[10].more[0].label(end) in page
    assert re.search(
        r"end user sessions: [\d.,]+ per day<br>median session minutes: [\d.,]+<", page
    )


def test_bar_widths_follow_the_headline_figures_on_a_log_scale(demo_warehouse):
    page = write_picture(demo_warehouse.published, demo_warehouse.root / "scale.html").read_text()
    widths = [float(w) for w in re.findall(r'class="band" x="[\d.]+" y="2" width="([\d.]+)"', page)]
    con = duckdb.connect(str(demo_warehouse.published), read_only=True)
    shown = layers(con, dt.date(2026, 10, 24), dt.date(2026, 11, 20))
    values = [layer.headline.value or 0 for layer in shown]
    largest = max(values)
    # log10(1 + figure) / log10(1 + largest figure), above the thinnest bar's share
    expected = [
        1000 * (MIN_BAND_SHARE + (1 - MIN_BAND_SHARE) * math.log10(1 + v) / math.log10(1 + largest))
        if v > 0
        else 1000 * MIN_BAND_SHARE
        for v in values
    ]
    assert widths == pytest.approx(expected, abs=0.1)
    assert max(widths) == pytest.approx(1000)
    assert band_share(9, 99) == pytest.approx(MIN_BAND_SHARE + (1 - MIN_BAND_SHARE) * 0.5)
    assert band_share(None, 99) == band_share(0, 0) == MIN_BAND_SHARE


def test_each_conversion_names_the_stage_it_divides(demo_warehouse):
    start, end = dt.date(2026, 10, 24), dt.date(2026, 11, 20)
    con = duckdb.connect(str(demo_warehouse.published), read_only=True)
    previous, converted = con.execute(
        """select sum(previous_stage_developers), sum(converted_from_previous_stage)
           from marts.fct_funnel_conversion
           where stage = 'production_success' and cohort_week between ? and ?""",
        [start, end],
    ).fetchall()[0]
    page = write_picture(demo_warehouse.published, demo_warehouse.root / "j.html").read_text()
    share = f"{converted / previous:.0%}"
    assert (
        f"of the {previous:,} who reached certified, {converted:,} ({share}) "
        "also reached production success" in page
    )


def test_picture_command_writes_the_requested_range(demo_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("HOURGLASS_PUBLISHED_PATH", str(demo_warehouse.published))
    out = tmp_path / "week.html"
    assert main(["picture", "--start", "2026-11-09", "--end", "2026-11-15", "--out", str(out)]) == 0
    page = out.read_text()
    assert "2026-11-09 to 2026-11-15" in page
    assert re.search(r"open tickets: [\d,]+ on 2026-11-15", page)


def test_picture_defaults_to_the_last_28_days(demo_warehouse, tmp_path):
    page = write_picture(demo_warehouse.published, tmp_path / "p.html").read_text()
    assert "API value generation funnel, 2026-10-24 to 2026-11-20" in page


def test_marts_without_rows_give_a_page_that_says_there_is_no_data(tmp_path):
    path = tmp_path / "empty.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_funnel_daily (date_day date, layer_number integer,"
            " metric varchar, value double)"
        )
    page = write_picture(path, tmp_path / "empty.html").read_text()
    assert "API value generation funnel: no data" in page
    assert "no API request has been loaded" in page


@pytest.mark.parametrize("width", [1024, 1440, 1920])
def test_the_page_fits_the_browser_width(demo_warehouse, tmp_path, width):
    """Headless Chromium lays the page out at the width; the page must not be
    wider than the window (no horizontal scrolling)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (see .ci/run)")
    page = (demo_warehouse.reports / "funnel_hourglass.html").read_text()
    # the test's own probe, appended to a copy: the picture itself has no scripts
    probe = (
        "<script>document.body.insertAdjacentHTML('beforeend', '<pre id=\"measured\">'"
        " + document.documentElement.scrollWidth + ' ' + window.innerWidth + '</pre>')"
        "</script></body>"
    )
    measured = tmp_path / "measured.html"
    measured.write_text(page.replace("</body>", probe))
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={width},900",
            "--dump-dom",
            measured.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    scroll_width, inner_width = map(int, re.search(r'id="measured">(\d+) (\d+)<', dom).groups())
    assert inner_width == width
    assert scroll_width <= inner_width
