"""Health ranks risk on the demo's accounts: in the backtest the share of days
that went dormant within 30 days falls from critical to at_risk to healthy, and
the score's AUC is well above chance.

The demo warehouse of the other tests covers 60 days, of which only the first
30 have 30 days observed after them: too few churned accounts to judge. This
module generates the `hourglass demo` landing zone's 90 days, 200 accounts and
seed, with fewer requests a day (the bands follow the accounts' behaviour, not
the volume), and builds only the models the backtest needs."""

from __future__ import annotations

import duckdb
import pytest
from conftest import load_and_build

from hourglass.generate import DemoConfig, generate


@pytest.fixture(scope="module")
def backtest(tmp_path_factory) -> dict[str, dict]:
    """fct_signal_backtest's went_dormant rows by predictor, each a dict of its columns."""
    root = tmp_path_factory.mktemp("health")
    generate(DemoConfig(out=root / "landing", days=90, requests_per_day=1000, accounts=200))
    work = root / "work.duckdb"
    load_and_build(
        root / "landing",
        work,
        "--select",
        "+fct_signal_backtest",
        "--resource-type",
        "model",
        "seed",
    )
    with duckdb.connect(str(work), read_only=True) as con:
        result = con.execute(
            "select * from marts.fct_signal_backtest where outcome = 'went_dormant'"
        )
        names = [column[0] for column in result.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in result.fetchall()}


def test_the_bands_order_the_dormancy_rate(backtest):
    critical, at_risk, healthy = (
        backtest[f"health_band = {band}"] for band in ("critical", "at_risk", "healthy")
    )
    assert all(band["predicted_days"] > 0 for band in (critical, at_risk, healthy))
    assert critical["precision"] > at_risk["precision"] > healthy["precision"]
    assert critical["lift"] > 1 and at_risk["lift"] > 1 and healthy["lift"] < 1
    assert 0 < healthy["base_rate"] < 0.2


def test_the_score_ranks_dormancy_well_above_chance(backtest):
    assert backtest["health_score"]["auc"] > 0.8
