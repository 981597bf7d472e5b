"""The demo data tells a story a growth analyst believes: every funnel metric
moves, proportions are plausible, quotas run out and every sales signal fires
on the as-of day. Runs on the demo warehouse the pipeline tests build."""

from __future__ import annotations

import json

import duckdb
import pytest


@pytest.fixture(scope="module")
def marts(demo_warehouse):
    con = duckdb.connect(str(demo_warehouse.published), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def signal_types(dbt_manifest) -> list[str]:
    """The signal types fct_sales_signals declares (its accepted_values test)."""
    nodes = json.loads(dbt_manifest.read_text())["nodes"].values()
    return next(
        node["test_metadata"]["kwargs"]["values"]
        for node in nodes
        if node.get("attached_node", "").endswith(".fct_sales_signals")
        and node.get("column_name") == "signal_type"
        and node["test_metadata"]["name"] == "accepted_values"
    )


def test_every_funnel_metric_is_non_zero_on_some_day(marts):
    never_moving = marts.execute(
        "select metric from marts.fct_funnel_daily group by metric having max(value) <= 0"
    ).fetchall()
    assert never_moving == []
    shown = marts.execute(
        """select count(*) from marts.dim_funnel_layers as l
           where exists (select 1 from marts.fct_funnel_daily as f
                         where f.metric = l.headline_metric)
             and exists (select 1 from marts.fct_funnel_daily as f
                         where f.metric = l.secondary_metric)"""
    ).fetchall()[0][0]
    assert shown == 10


def test_proportions_are_plausible(marts):
    awareness = marts.execute(
        """select count(*), count(*) filter (where page_views < unique_visitors),
               sum(page_views) / sum(unique_visitors)
           from marts.fct_funnel_l01_awareness"""
    ).fetchall()[0]
    days, visitors_above_views, views_per_visitor = awareness
    assert days == 60
    assert visitors_above_views == 0  # a visitor reads a few pages
    assert 1.5 < views_per_visitor < 4
    developers, accounts = marts.execute(
        """select sum(new_developers), sum(new_accounts)
           from marts.fct_funnel_l02_developers_and_applications"""
    ).fetchall()[0]
    assert accounts < developers  # accounts have one developer or more
    success = marts.execute(
        """select sum(production_success_rate * production_requests) / sum(production_requests)
           from marts.fct_funnel_l05_production_activity"""
    ).fetchall()[0][0]
    assert 0.85 < success < 0.99


def test_quotas_run_out(marts):
    forecast = marts.execute(
        """select count(*), count(forecast_exhausted_on),
               count(*) filter (where runs_out_this_month)
           from marts.fct_account_quota_forecast"""
    ).fetchall()[0]
    accounts, with_date, running_out = forecast
    assert 0 < running_out < accounts / 2
    assert with_date == running_out


def test_every_sales_signal_fires_on_the_as_of_day(marts, signal_types):
    fired = dict(
        marts.execute(
            """select signal_type, count(*) from marts.fct_sales_signals
               where detected_on = (select max(date_day) from marts.fct_funnel_daily)
               group by 1"""
        ).fetchall()
    )
    assert len(signal_types) == 6
    assert {t: fired.get(t, 0) > 0 for t in signal_types} == dict.fromkeys(signal_types, True)
