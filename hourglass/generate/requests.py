"""API requests: how many each application makes per day (numpy, apps x days),
then one row per request expanded set-based in DuckDB, with per-row randomness
from `hash(seed, app, day, i, k)` so no row is drawn in Python."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pyarrow as pa

PATHS = (
    "/v1/hello",
    "/v1/customers/{id}",
    "/v1/customers",
    "/v1/payments/{id}?expand=customer",
    "/v1/payments",
    "/v1/invoices/{id}",
    "/v1/webhooks",
    "/v1/reports/{id}",
    "/v1/files/{id}",
    "/v2/oauth/token",
    "/v1/beta/experiments/{id}",
)
GROWTH_CAP = 30.0
PRODUCTION_SHARE = 0.9  # of an application's requests once it is in production


def daily_counts(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    days: int,
    requests_per_day: int,
    start: dt.date,
) -> pa.Table:
    """Requests per application and day (`app_idx, day, n, n_production,
    server_error_share`), for days with any. Each day's total is
    `requests_per_day` with weekly seasonality, shared out by each application's
    rate: its account's intensity, shaped by the archetype."""
    apps = con.execute(f"""
        select t.app_idx, a.archetype, a.intensity, a.first_day, a.churn_day,
            epoch(t.sandbox_at - timestamp '{start}') / 86400 as sandbox_day,
            coalesce(epoch(t.production_at - timestamp '{start}') / 86400, 1e9) as production_day
        from app_times as t inner join accounts as a using (account_idx) order by t.app_idx
    """).fetchnumpy()
    day_numbers = np.arange(days)
    weekday = np.array([(start + dt.timedelta(days=int(d))).weekday() for d in day_numbers])
    season = np.where(weekday >= 5, 0.55, 1.0) * (1.0 + 0.15 * np.sin(day_numbers / 9.0))
    d = day_numbers[None, :]
    sandbox_day = apps["sandbox_day"][:, None]
    arch = apps["archetype"][:, None]
    rate = np.where(d >= np.floor(sandbox_day), apps["intensity"][:, None], 0.0)
    rate = np.where(arch == "never", 0.0, rate)
    rate = np.where((arch == "stalled") & (d > sandbox_day + 4), 0.0, rate)
    # churners fade over two weeks, with more server errors, then stop
    churn_day = apps["churn_day"][:, None]
    fading = (arch == "churner") & (d > churn_day - 14)
    rate = np.where(fading, rate * np.clip((churn_day - d) / 14.0, 0.0, 1.0), rate)
    # growers grow tenfold in under three weeks, up to GROWTH_CAP times where they started
    growth = np.minimum(np.exp(np.clip(d - apps["first_day"][:, None], 0, None) / 8.0), GROWTH_CAP)
    rate = np.where(arch == "grower", rate * growth, rate)
    totals = np.round(requests_per_day * season).astype(np.int64)
    counts = np.zeros_like(rate, dtype=np.int64)
    for day in day_numbers:  # one multinomial draw per day, not per request
        weights = rate[:, day]
        if weights.sum() > 0:
            counts[:, day] = rng.multinomial(totals[day], weights / weights.sum())
    in_production = d >= apps["production_day"][:, None]
    production = rng.binomial(counts, np.where(in_production, PRODUCTION_SHARE, 0.0))
    app_idx, day_idx = np.nonzero(counts)
    return pa.table(
        {
            "app_idx": apps["app_idx"][app_idx],
            "day": day_idx,
            "n": counts[app_idx, day_idx],
            "n_production": production[app_idx, day_idx],
            "server_error_share": np.where(fading, 0.12, 0.015)[app_idx, day_idx],
        }
    )


def create_requests(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    app_days: pa.Table,
    days: int,
    seed: int,
) -> int:
    """Table `requests`: one row per request of `app_days`, with the contract's
    api_logs columns plus `day` and the uniform draws `u1`, `u3` the mess reuses.
    Production requests come in visits of four, minutes apart, by one end user
    (when they carry one), so layer 10 has sessions of several requests.
    Three (day, hour) error bursts fail half their requests with 503. Returns the
    number of requests."""
    bursts = pa.table({"day": rng.integers(0, days, 3), "hour": rng.integers(0, 24, 3)})
    con.register("_app_days", app_days)
    con.register("_bursts", bursts)
    paths = "[" + ", ".join(f"'{p}'" for p in PATHS) + "]"
    uniform = "(hash({seed}, a.app_idx, a.day, r.i, {k}) % 1000003) / 1000003.0 as u{k}"
    draws = ",\n                ".join(uniform.format(seed=seed, k=k) for k in range(1, 6))
    con.execute(f"""
        create table requests as
        with rows as (
            select a.app_idx, a.day, r.i, i < a.n_production as is_production,
                a.server_error_share,
                {draws},
                -- an end user's visit: production requests come in fours that share one draw
                (hash({seed}, a.app_idx, a.day, r.i // 4, 9) % 1000003) / 1000003.0 as visit
            from _app_days as a, lateral (select range as i from range(a.n)) as r
        ),
        shaped as (
            select rows.*, t.app_id, t.end_user_pool, t.sandbox_at,
                greatest(day_ts(rows.day, case when is_production
                        then least(visit * 86399.999 + (i % 4) * u1 * 300, 86399.999)
                        else u1 * 86399.999 end),
                    t.sandbox_at + to_microseconds(cast(u1 * 3.6e9 as bigint))) as requested_at,
                case when u2 < 0.60 then 'GET' when u2 < 0.78 then 'POST' when u2 < 0.86 then 'PUT'
                    when u2 < 0.91 then 'PATCH' else 'DELETE' end as method,
                -- the first sandbox day is mostly hello-world calls
                case when not is_production
                        and rows.day <= epoch(t.sandbox_at - day_ts(0, 0)) / 86400 + 1
                        and u3 < 0.6 then 1
                    else cast(floor(u3 * {len(PATHS)}) as integer) + 1 end as path_index
            from rows inner join app_times as t using (app_idx)
        )
        select
            'req_' || lower(hex(hash({seed}, app_idx, day, i))) as request_id,
            requested_at, app_id,
            case when is_production then 'production' else 'sandbox' end as environment,
            case when u5 < 0.3 then lower(method) else method end as method,
            replace(list_element({paths}, path_index), '{{id}}',
                cast(hash(app_idx, i) % 100000 as varchar)) as path,
            case when b.burst_day is not null and u4 < 0.5 then 503
                when u4 < server_error_share then 500
                when u4 < server_error_share + 0.015 then 429
                when u4 < server_error_share + 0.035 then 404
                when u4 < server_error_share + 0.055 then 401
                when u4 < server_error_share + 0.065 then 400
                when method = 'POST' then 201 else 200 end as status_code,
            round(20 + -ln(greatest(u5, 1e-9)) * 80, 1) as latency_ms,
            case when method in ('GET', 'DELETE') then 200 + cast(u1 * 600 as bigint)
                else 1000 + cast(u2 * 20000 as bigint) end as request_bytes,
            case when path_index in (8, 9) then 100000 + cast(u3 * 4000000 as bigint)
                else 2000 + cast(u4 * 48000 as bigint) end as response_bytes,
            case when is_production and u5 < 0.75 then
                'eu_' || cast(floor(visit * end_user_pool) as integer) end as end_user_id,
            day, u1, u3
        from shaped left join (select day as burst_day, hour as burst_hour from _bursts) as b
            on shaped.day = b.burst_day and hour(shaped.requested_at) = b.burst_hour
    """)
    return con.execute("select count(*) from requests").fetchall()[0][0]
