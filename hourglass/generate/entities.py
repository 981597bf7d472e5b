"""Who is in the demo: accounts, their developers and their applications.

Drawn with numpy from the seeded generator (a few thousand rows at most), then
handed to DuckDB as Arrow tables. Each account follows an archetype: it never
activates, activates then stalls, runs steadily, grows past its plan's quota,
or churns.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

ARCHETYPES = ("never", "stalled", "steady", "grower", "churner")
ARCHETYPE_SHARE = (0.15, 0.15, 0.40, 0.15, 0.15)
# Each plan of the catalogue (in the seed's order, entry plan first) has this
# share of the accounts of the plan before it.
PLAN_DECAY = 0.6
CHANNELS = ("organic", "docs", "blog", "github", "social", "referral", "paid", "partner", "")
COUNTRIES = ("US", "GB", "DE", "FR", "IN", "BR", "JP", "NL", "CA", "")


def plan_shares(count: int) -> np.ndarray:
    """Share of accounts per plan of a catalogue of `count` plans (sums to 1)."""
    weights = PLAN_DECAY ** np.arange(count)
    return weights / weights.sum()


def draw_entities(
    rng: np.random.Generator, days: int, accounts: int, plans: list[str]
) -> dict[str, pa.Table]:
    """Accounts, developers and applications, each a table keyed by a dense index
    (`account_idx`, `dev_idx`, `app_idx`); days are offsets from the first day."""
    n = accounts
    archetype = rng.choice(len(ARCHETYPES), size=n, p=ARCHETYPE_SHARE)
    plan = rng.choice(len(plans), size=n, p=plan_shares(len(plans)))
    # More accounts early so most have a history; none on the very last days.
    first_day = np.minimum((rng.beta(1.2, 2.2, size=n) * days).astype(int), max(days - 3, 0))
    intensity = rng.pareto(1.3, size=n) + 1.0
    account_table = pa.table(
        {
            "account_idx": np.arange(n),
            "account_id": np.array([f"acc_{i:05d}" for i in range(n)]),
            "archetype": np.array(ARCHETYPES)[archetype],
            "plan_id": np.array(plans)[plan],
            "first_day": first_day,
            "intensity": intensity,
            # churners stop 2-6 weeks after they start, growers upgrade mid-way
            "churn_day": first_day + rng.integers(14, 42, size=n),
            "upgrade_day": first_day + rng.integers(10, 40, size=n),
        }
    )

    devs_per_account = 1 + rng.poisson(0.8, size=n)
    dev_account = np.repeat(np.arange(n), devs_per_account)
    m = len(dev_account)
    first_of_account = np.r_[True, dev_account[1:] != dev_account[:-1]]
    dev_day = first_day[dev_account] + np.where(first_of_account, 0, rng.integers(0, 20, size=m))
    developers = pa.table(
        {
            "dev_idx": np.arange(m),
            "developer_id": np.array([f"dev_{i:06d}" for i in range(m)]),
            "account_idx": dev_account,
            "signup_day": np.minimum(dev_day, days - 1),
            "signup_second": rng.integers(0, 86400, size=m),
            "channel": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), size=m)],
            "country": np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), size=m)],
            "visitor_id": np.array([f"v_{i:07d}" for i in rng.permutation(m * 5)[:m]]),
            "is_duplicated": rng.random(m) < 0.03,
        }
    )

    arch_of_dev = archetype[dev_account]
    apps_per_dev = np.where(
        arch_of_dev == 0, rng.integers(0, 2, size=m), 1 + rng.poisson(0.4, size=m)
    )
    app_dev = np.repeat(np.arange(m), apps_per_dev)
    k = len(app_dev)
    app_account = dev_account[app_dev]
    app_arch = archetype[app_account]
    created_hours = rng.exponential(30.0, size=k)
    sandbox_hours = created_hours + rng.exponential(20.0, size=k)
    production_hours = sandbox_hours + rng.exponential(24.0 * 6, size=k)
    applications = pa.table(
        {
            "app_idx": np.arange(k),
            "app_id": np.array([f"app_{i:06d}" for i in range(k)]),
            "dev_idx": app_dev,
            "account_idx": app_account,
            "created_hours": created_hours,  # after the developer's sign-up
            "sandbox_hours": sandbox_hours,
            "production_hours": np.where(np.isin(app_arch, (0, 1)), np.inf, production_hours),
            "end_user_pool": np.maximum(3, (intensity[app_account] * 40).astype(int)),
            # one application's registration never arrives: its requests stay unattributed
            "is_registered": np.arange(k) != k // 2,
        }
    )
    return {"accounts": account_table, "developers": developers, "applications": applications}


def day_macro(start: dt.date) -> str:
    """SQL creating `day_ts(day, second)`: the timestamp `second` seconds into day
    number `day` (0 is `start`), in UTC."""
    return (
        f"create macro day_ts(day, second) as timestamp '{start}'"
        " + to_days(cast(day as integer)) + to_microseconds(cast(second * 1e6 as bigint))"
    )
