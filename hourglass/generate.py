"""Deterministic demo landing zone (`hourglass generate`).

Accounts, developers and applications are drawn with numpy (a few thousand
rows); requests are expanded set-based in DuckDB from per-application daily
counts, with per-row randomness from `hash(seed, ...)`, and written with
partitioned COPY. The same seed and arguments give the same files.

The story the data tells: accounts that never activate, activate then stall,
run steadily, grow past their plan's quota, change plans, or churn; weekly
seasonality; error bursts; repeated request_ids; ticket exports with several
rows per ticket; community and program events; a late-arriving log file; a
small share of malformed rows; one unreadable file.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from hourglass.contract import COMMUNITY_EVENTS

ARCHETYPES = ("never", "stalled", "steady", "grower", "churner")
ARCHETYPE_SHARE = (0.15, 0.15, 0.40, 0.15, 0.15)
PLANS = ("free", "payg", "developer", "data_pro", "growth_mau", "enterprise")
PLAN_SHARE = (0.40, 0.15, 0.20, 0.10, 0.10, 0.05)
CHANNELS = ("organic", "docs", "blog", "github", "social", "referral", "paid", "partner", "")
COUNTRIES = ("US", "GB", "DE", "FR", "IN", "BR", "JP", "NL", "CA", "")
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
# a total order for log rows, so files come out byte for byte the same
LOG_ORDER = "requested_at, request_id, environment, app_id nulls first, latency_ms nulls first"
MARKER = ".hourglass-demo"  # generate only ever replaces a folder it wrote itself
LOG_FORMATS = {
    "parquet": "FORMAT parquet",
    "csv": "FORMAT csv, COMPRESSION gzip",
    "json": "FORMAT json, COMPRESSION gzip",
}


@dataclass(frozen=True)
class DemoConfig:
    out: Path
    days: int = 90
    requests_per_day: int = 5000
    accounts: int = 200
    seed: int = 42
    end_date: dt.date = dt.date(2026, 11, 20)
    log_format: str = "mixed"  # mixed | parquet


def generate(config: DemoConfig) -> dict[str, int]:
    """Write the landing zone; return row counts per source (before corruption)."""
    out = Path(config.out)
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise FileExistsError(
                f"{out} holds files that hourglass generate did not write; "
                "choose an empty or new folder"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by hourglass generate; safe to delete\n")
    rng = np.random.default_rng(config.seed)
    start = config.end_date - dt.timedelta(days=config.days - 1)
    # A scratch database on disk, so large landing zones can spill past memory.
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        con = duckdb.connect(str(Path(scratch) / "generate.duckdb"))
        con.execute("set TimeZone = 'UTC'")
        con.execute(
            f"set memory_limit = '{os.environ.get('HOURGLASS_DUCKDB_MEMORY_LIMIT', '4GB')}'"
        )
        con.execute(
            f"create macro day_ts(day, second) as timestamp '{start}'"
            " + to_days(cast(day as integer)) + to_microseconds(cast(second * 1e6 as bigint))"
        )
        entities = _entities(rng, config, start)
        for name, table in entities.items():
            con.register(f"_{name}", table)
            con.execute(f"create table {name} as select * from _{name}")
        counts = {
            "signups": _write_signups(con, out),
            "applications": _write_applications(con, out),
            "api_logs": _write_api_logs(con, rng, config, start, out),
            "support_tickets": _write_tickets(con, rng, config, out),
            "community_events": _write_community(con, rng, config, start, out),
            "program_events": _write_programs(con, rng, out),
            "subscriptions": _write_subscriptions(con, out),
        }
        con.close()
    return counts


def _entities(rng: np.random.Generator, config: DemoConfig, start: dt.date) -> dict[str, pa.Table]:
    days, n = config.days, config.accounts
    archetype = rng.choice(len(ARCHETYPES), size=n, p=ARCHETYPE_SHARE)
    plan = rng.choice(len(PLANS), size=n, p=PLAN_SHARE)
    # More accounts early so most have a history; none on the very last days.
    first_day = np.minimum((rng.beta(1.2, 2.2, size=n) * days).astype(int), max(days - 3, 0))
    intensity = rng.pareto(1.3, size=n) + 1.0
    account_ids = np.array([f"acc_{i:05d}" for i in range(n)])
    accounts = pa.table(
        {
            "account_idx": np.arange(n),
            "account_id": account_ids,
            "archetype": np.array(ARCHETYPES)[archetype],
            "plan_id": np.array(PLANS)[plan],
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
    dev_seconds = rng.integers(0, 86400, size=m)
    developers = pa.table(
        {
            "dev_idx": np.arange(m),
            "developer_id": np.array([f"dev_{i:06d}" for i in range(m)]),
            "account_idx": dev_account,
            "signup_day": np.minimum(dev_day, days - 1),
            "signup_second": dev_seconds,
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
    return {"accounts": accounts, "developers": developers, "applications": applications}


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, options: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({query}) to '{target}' ({options})")


def _append_lines(path: Path, lines: list[str]) -> None:
    with path.open("a") as handle:
        handle.writelines(line + "\n" for line in lines)


# Offsets in the text, as exporters write them: some rows in +02:00.
_ISO = (
    "case when hash({key}) % 5 = 0 "
    "then strftime({ts} + interval 2 hour, '%Y-%m-%d %H:%M:%S') || '+02:00' "
    "else strftime({ts}, '%Y-%m-%dT%H:%M:%S.%gZ') end"
)


def _write_signups(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    con.execute("""
        create table signups as
        with base as (
            select d.developer_id, a.account_id,
                day_ts(d.signup_day, d.signup_second) as signed_up_at,
                'dev' || d.dev_idx || '@example.com' as email, a.plan_id,
                d.channel as acquisition_channel, d.visitor_id, d.country, d.is_duplicated
            from developers as d inner join accounts as a using (account_idx)
        )
        select * exclude (is_duplicated) from base
        union all  -- a repeated sign-up row, an hour later: the earliest must win
        select * exclude (is_duplicated) replace (signed_up_at + interval 1 hour as signed_up_at)
        from base where is_duplicated
    """)
    target = out / "signups" / "signups.csv"
    iso = _ISO.format(key="developer_id", ts="signed_up_at")
    _copy(
        con,
        f"""
        select developer_id, account_id, {iso} as signed_up_at, email, plan_id,
            acquisition_channel, visitor_id, country
        from signups order by signed_up_at, developer_id, email nulls first
    """,
        target,
        "FORMAT csv, HEADER",
    )
    rows = con.execute("select count(*) from signups").fetchall()[0][0]
    bad = [  # malformed, about 1% of rows: an empty account_id, an unparsable timestamp
        f"dev_bad_{i},{'' if i % 2 else 'acc_bad'},{'2026-01-01T00:00:00Z' if i % 2 else 'soon'},"
        ",free,organic,,US"
        for i in range(rows // 100)
    ]
    _append_lines(target, bad)
    return rows + len(bad)


def _write_applications(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    con.execute("""
        create table app_times as
        select app.*, d.developer_id,
            day_ts(d.signup_day, d.signup_second) + to_microseconds(
                cast(app.created_hours * 3.6e9 as bigint)) as created_at,
            day_ts(d.signup_day, d.signup_second) + to_microseconds(
                cast(app.sandbox_hours * 3.6e9 as bigint)) as sandbox_at,
            case when isfinite(app.production_hours) then
                day_ts(d.signup_day, d.signup_second) + to_microseconds(
                    cast(app.production_hours * 3.6e9 as bigint)) end as production_at
        from applications as app inner join developers as d using (dev_idx)
    """)
    # Parquet, one file per month of creation, with native timestamps.
    target = out / "applications"
    target.mkdir()
    con.execute(f"""
        copy (
            select app_id, developer_id, created_at, 'App ' || app_idx as app_name,
                strftime(created_at, '%Y-%m') as month
            from app_times where is_registered order by created_at, app_id
        ) to '{target}' (FORMAT parquet, PARTITION_BY (month), FILENAME_PATTERN 'applications')
    """)
    return con.execute("select count(*) from app_times where is_registered").fetchall()[0][0]


def _write_api_logs(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    config: DemoConfig,
    start: dt.date,
    out: Path,
) -> int:
    apps = con.execute(f"""
        select t.app_idx, a.archetype, a.intensity, a.first_day, a.churn_day, a.upgrade_day,
            epoch(t.sandbox_at - timestamp '{start}') / 86400 as sandbox_day,
            coalesce(epoch(t.production_at - timestamp '{start}') / 86400, 1e9) as production_day
        from app_times as t inner join accounts as a using (account_idx) order by t.app_idx
    """).fetchnumpy()
    days = np.arange(config.days)
    weekday = np.array([(start + dt.timedelta(days=int(d))).weekday() for d in days])
    season = np.where(weekday >= 5, 0.55, 1.0) * (1.0 + 0.15 * np.sin(days / 9.0))
    # Relative request rate of each application on each day (apps x days).
    d = days[None, :]
    sandbox_day = apps["sandbox_day"][:, None]
    production_day = apps["production_day"][:, None]
    arch = apps["archetype"][:, None]
    rate = np.where(d >= np.floor(sandbox_day), apps["intensity"][:, None], 0.0)
    rate = np.where(arch == "never", 0.0, rate)
    rate = np.where((arch == "stalled") & (d > sandbox_day + 4), 0.0, rate)
    # churners fade over two weeks, with more server errors, then stop
    churn_day = apps["churn_day"][:, None]
    fading = (arch == "churner") & (d > churn_day - 14)
    rate = np.where(fading, rate * np.clip((churn_day - d) / 14.0, 0.0, 1.0), rate)
    growth = np.exp(np.clip(d - apps["first_day"][:, None], 0, None) / 12.0)
    rate = np.where(arch == "grower", rate * growth, rate)
    totals = np.round(config.requests_per_day * season).astype(np.int64)
    counts = np.zeros_like(rate, dtype=np.int64)
    for day in days:  # one multinomial draw per day, not per request
        weights = rate[:, day]
        if weights.sum() > 0:
            counts[:, day] = rng.multinomial(totals[day], weights / weights.sum())
    share_production = np.where(d >= production_day, 0.9, 0.0)
    production = rng.binomial(counts, share_production)
    app_idx, day_idx = np.nonzero(counts)
    app_days = pa.table(
        {
            "app_idx": apps["app_idx"][app_idx],
            "day": day_idx,
            "n": counts[app_idx, day_idx],
            "n_production": production[app_idx, day_idx],
            "server_error_share": np.where(fading, 0.12, 0.015)[app_idx, day_idx],
        }
    )
    # Error bursts: three (day, hour) windows where half of all requests fail with 503.
    bursts = pa.table({"day": rng.integers(0, config.days, 3), "hour": rng.integers(0, 24, 3)})
    con.register("_app_days", app_days)
    con.register("_bursts", bursts)
    paths = "[" + ", ".join(f"'{p}'" for p in PATHS) + "]"
    seed = config.seed
    con.execute(f"""
        create table requests as
        with rows as (
            select a.app_idx, a.day, r.i, i < a.n_production as is_production,
                a.server_error_share,
                (hash({seed}, a.app_idx, a.day, r.i, 1) % 1000003) / 1000003.0 as u1,
                (hash({seed}, a.app_idx, a.day, r.i, 2) % 1000003) / 1000003.0 as u2,
                (hash({seed}, a.app_idx, a.day, r.i, 3) % 1000003) / 1000003.0 as u3,
                (hash({seed}, a.app_idx, a.day, r.i, 4) % 1000003) / 1000003.0 as u4,
                (hash({seed}, a.app_idx, a.day, r.i, 5) % 1000003) / 1000003.0 as u5
            from _app_days as a, lateral (select range as i from range(a.n)) as r
        ),
        shaped as (
            select rows.*, t.app_id, t.end_user_pool, t.sandbox_at,
                greatest(day_ts(rows.day, u1 * 86399.999),
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
                'eu_' || cast(floor(u2 * end_user_pool) as integer) end as end_user_id,
            day, u1, u3
        from shaped left join (select day as burst_day, hour as burst_hour from _bursts) as b
            on shaped.day = b.burst_day and hour(shaped.requested_at) = b.burst_hour
    """)
    total = con.execute("select count(*) from requests").fetchall()[0][0]
    late_day = max(config.days - 6, 0)
    # At-least-once shipping: ~0.5% of requests appear twice. Malformed rows: ~0.1%.
    con.execute(f"""
        create table log_rows as
        select * exclude (u1, u3),
            case when day = {late_day} and u3 < 0.05 then 'late' else 'on_time' end as delivery
        from requests
        union all
        select * exclude (u1, u3), 'on_time' from requests where u1 < 0.005
    """)
    con.execute("""
        update log_rows set
            environment = case when hash(request_id) % 3 = 0 then 'staging' else environment end,
            latency_ms = case when hash(request_id) % 3 = 1 then -5 else latency_ms end,
            app_id = case when hash(request_id) % 3 = 2 then null else app_id end
        where hash(request_id, 'corrupt') % 1000 = 0
    """)
    target = out / "api_logs"
    target.mkdir()
    formats = ("parquet",) if config.log_format == "parquet" else ("parquet", "csv", "json")
    columns = (
        "request_id, requested_at, app_id, environment, method, path, status_code, "
        "latency_ms, request_bytes, response_bytes, end_user_id"
    )
    for number, name in enumerate(formats):
        con.execute(f"""
            copy (
                select {columns}, cast(day_ts(day, 0) as date) as date
                from log_rows
                where delivery = 'on_time' and day % {len(formats)} = {number}
                order by {LOG_ORDER}
            ) to '{target}' ({LOG_FORMATS[name]}, PARTITION_BY (date),
                FILENAME_PATTERN 'requests', OVERWRITE_OR_IGNORE)
        """)
    for path in target.rglob("*.json.gz"):
        path.rename(path.with_name(path.name.replace(".json.gz", ".jsonl.gz")))
    # The late file: requests of a past day, delivered in the last day's folder,
    # repeating a few request_ids the on-time file already had.
    late_date = start + dt.timedelta(late_day)
    late = target / f"date={config.end_date}" / f"late-delivery-{late_date}.jsonl"
    _copy(
        con,
        f"""
        select {columns} from log_rows where delivery = 'late'
        union all
        select {columns} from log_rows where day = {late_day} and delivery = 'on_time'
            and hash(request_id, 'late') % 200 = 0
        order by {LOG_ORDER}
    """,
        late,
        "FORMAT json",
    )
    # A CSV line with too many columns, a file nobody can read, a file to ignore.
    csv_files = sorted(target.rglob("*.csv.gz"))
    if csv_files:
        # mtime=0: a gzip member stamped with the clock would break determinism
        with gzip.GzipFile(csv_files[0], "ab", mtime=0) as handle:
            handle.write(
                b"req_broken,2026-01-01T00:00:00Z,app_x,sandbox,GET,/v1/hello,200,1,2,3,eu,x\n"
            )
    middle = start + dt.timedelta(days=config.days // 2)
    corrupt = target / f"date={middle}" / "export-retry.parquet"
    corrupt.parent.mkdir(parents=True, exist_ok=True)
    corrupt.write_bytes(b"PAR1 this transfer was cut off")
    (target / "README.txt").write_text("Gateway log exports, one folder per day.\n")
    return total


def _write_tickets(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, config: DemoConfig, out: Path
) -> int:
    """Ticket state exports: each ticket has a row per state it went through."""
    accounts = con.execute("""
        select a.account_idx, a.account_id, a.archetype, min(d.developer_id) as developer_id,
            min(d.signup_day) as first_day
        from accounts as a inner join developers as d using (account_idx)
        where a.archetype <> 'never' group by all order by a.account_idx
    """).fetchnumpy()
    per_account = rng.poisson(np.where(accounts["archetype"] == "churner", 4.0, 1.2))
    owner = np.repeat(np.arange(len(per_account)), per_account)
    t = len(owner)
    span = np.maximum(config.days - accounts["first_day"][owner], 1)
    created_day = accounts["first_day"][owner] + (rng.random(t) * span).astype(int)
    urgent_share = np.where(accounts["archetype"][owner] == "churner", 0.3, 0.05)
    priority = np.where(
        rng.random(t) < urgent_share, "urgent", rng.choice(["low", "normal", "high", ""], size=t)
    )
    tickets = pa.table(
        {
            "ticket_id": np.array([f"tkt_{i:06d}" for i in range(t)]),
            "account_id": accounts["account_id"][owner],
            "developer_id": accounts["developer_id"][owner],
            "created_day": created_day,
            "created_second": rng.integers(0, 86400, size=t),
            "response_hours": rng.exponential(6.0, size=t),
            "solve_hours": rng.exponential(60.0, size=t),
            "is_solved": rng.random(t) < 0.75,
            "priority": priority,
            "category": rng.choice(
                [
                    "question",
                    "incident",
                    "problem",
                    "billing",
                    "integration",
                    "feature_request",
                    "other",
                    "",
                ],
                size=t,
            ),
            "satisfaction": rng.choice(["good", "bad", ""], size=t, p=[0.5, 0.15, 0.35]),
        }
    )
    con.register("_tickets", tickets)
    as_of = f"day_ts({config.days - 1}, 86399)"
    con.execute(f"""
        create table ticket_rows as
        with t as (
            select *, day_ts(created_day, created_second) as created_at,
                day_ts(created_day, created_second)
                    + to_microseconds(cast(response_hours * 3.6e9 as bigint)) as first_response_at,
                day_ts(created_day, created_second)
                    + to_microseconds(cast((response_hours + solve_hours) * 3.6e9 as bigint))
                    as solved_at
            from _tickets
        ),
        states as (
            select *, 'new' as status, created_at as updated_at, null as responded, null as solved
            from t
            union all
            select *, 'open', first_response_at, first_response_at, null from t
            union all
            select *, 'solved', solved_at, first_response_at, solved_at from t where is_solved
        )
        select ticket_id, account_id, developer_id, created_at, updated_at, status,
            priority, category, responded as first_response_at, solved as solved_at,
            case when status = 'solved' then satisfaction else '' end as satisfaction
        from states where updated_at <= {as_of}
    """)
    # One export file per day with the rows updated that day: CSV, some as JSON lines.
    target = out / "support_tickets"
    target.mkdir()
    iso = {
        c: _ISO.format(key="ticket_id", ts=c)
        for c in ("created_at", "updated_at", "first_response_at", "solved_at")
    }
    con.execute(f"""
        copy (
            select ticket_id, account_id, developer_id, {iso["created_at"]} as created_at,
                {iso["updated_at"]} as updated_at, upper(status) as status, priority, category,
                {iso["first_response_at"]} as first_response_at, {iso["solved_at"]} as solved_at,
                satisfaction, cast(updated_at as date) as export_date
            from ticket_rows order by updated_at, ticket_id, status
        ) to '{target}' (FORMAT csv, HEADER, PARTITION_BY (export_date),
            FILENAME_PATTERN 'tickets')
    """)
    for number, path in enumerate(sorted(target.rglob("*.csv"))):
        if number % 4 == 3:
            con.execute(
                f"copy (select * from read_csv('{path}', all_varchar = true)) "
                f"to '{path.with_suffix('.ndjson')}' (FORMAT json)"
            )
            path.unlink()
    return con.execute("select count(*) from ticket_rows").fetchall()[0][0]


def _write_community(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    config: DemoConfig,
    start: dt.date,
    out: Path,
) -> int:
    """Awareness events: anonymous visitors and developers before and after sign-up."""
    n = config.accounts * config.days * 3
    developers = con.execute(
        "select visitor_id, developer_id, signup_day from developers order by dev_idx"
    ).fetchnumpy()
    known = rng.random(n) < 0.3
    who = rng.integers(0, len(developers["visitor_id"]), size=n)
    types = next(c.allowed for c in COMMUNITY_EVENTS.columns if c.name == "event_type")
    shares = (0.45, 0.25, 0.03, 0.02, 0.05, 0.06, 0.02, 0.02, 0.05, 0.05)
    day = rng.integers(0, config.days, size=n)
    # Known developers' events cluster in the two weeks around their sign-up.
    near_signup = np.clip(
        developers["signup_day"][who] + rng.integers(-14, 14, size=n), 0, config.days - 1
    )
    anonymous = rng.integers(0, n // 3 + 1, size=n)
    events = pa.table(
        {
            "event_id": np.array([f"evt_{i:08d}" for i in range(n)]),
            "day": np.where(known, near_signup, day),
            "second": rng.integers(0, 86400, size=n),
            "event_type": rng.choice(types, size=n, p=shares),
            "visitor_id": np.where(
                known, developers["visitor_id"][who], np.char.add("anon_", anonymous.astype(str))
            ),
            "developer_id": np.where(
                known & (near_signup >= developers["signup_day"][who]),
                developers["developer_id"][who],
                "",
            ),
            "channel": rng.choice(["web", "docs", "github", "twitter", "newsletter"], size=n),
        }
    )
    con.register("_events", events)
    target = out / "community_events"
    target.mkdir()
    con.execute(f"""
        copy (
            select event_id, day_ts(day, second) as occurred_at, event_type, visitor_id,
                nullif(developer_id, '') as developer_id,
                'https://developer.example.com/' || event_type || '/' || (hash(event_id) % 50)
                    as url,
                channel, strftime(day_ts(day, 0), '%G-W%V') as week
            from _events
            union all  -- a repeated event counts once
            select event_id, day_ts(day, second), event_type, visitor_id,
                nullif(developer_id, ''), null, channel, strftime(day_ts(day, 0), '%G-W%V')
            from _events where hash(event_id) % 100 = 0
            order by occurred_at, event_id, url nulls first
        ) to '{target}' (FORMAT json, COMPRESSION gzip, PARTITION_BY (week),
            FILENAME_PATTERN 'events')
    """)
    for path in target.rglob("*.json.gz"):
        path.rename(path.with_name(path.name.replace(".json.gz", ".jsonl.gz")))
    return n


def _write_programs(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, out: Path) -> int:
    """Certification of developers, audits of applications, showcases of both."""
    con.execute("""
        create table program_rows as
        with producing as (
            select t.app_id, t.developer_id, t.production_at
            from app_times as t where t.production_at is not null
        ),
        events as (
            -- some developers fail the exam once before they pass
            select developer_id as subject_id, 'developer' as subject_type,
                'certification' as program, 'failed' as outcome,
                production_at - interval 3 day as occurred_at
            from producing where hash(developer_id, 'fail') % 4 = 0
            union all
            select developer_id, 'developer', 'certification', 'passed',
                production_at - interval 1 day from producing
            where hash(developer_id, 'cert') % 3 <> 0
            union all
            select app_id, 'application', 'certification', 'passed',
                production_at - interval 12 hour from producing where hash(app_id, 'c') % 2 = 0
            union all
            select app_id, 'application', 'audit',
                case when hash(app_id, 'audit') % 5 = 0 then 'failed' else 'passed' end,
                production_at + interval 10 day from producing where hash(app_id, 'a') % 2 = 0
            union all
            select app_id, 'application', 'showcase', 'featured',
                production_at + interval 14 day from producing where hash(app_id, 's') % 4 = 0
            union all
            select app_id, 'application', 'showcase', 'removed',
                production_at + interval 24 day from producing where hash(app_id, 's') % 8 = 0
            union all
            select developer_id, 'developer', 'showcase', 'featured',
                production_at + interval 7 day from producing where hash(developer_id, 's') % 6 = 0
        )
        select 'prg_' || lower(hex(hash(subject_id, program, outcome, occurred_at))) as event_id,
            occurred_at, program, subject_type, subject_id, outcome
        from events
        where occurred_at <= (select max(requested_at) from requests)
    """)
    target = out / "program_events" / "program_events.csv"
    _copy(
        con,
        "select distinct * from program_rows order by occurred_at, event_id",
        target,
        "FORMAT csv, HEADER",
    )
    rows = con.execute("select count(distinct event_id) from program_rows").fetchall()[0][0]
    bad = [
        f"prg_bad_{i},2026-11-01T00:00:00Z,audit,application,app_x,revoked"
        for i in range(rows // 100)
    ]  # an outcome audits do not have
    _append_lines(target, bad)
    return rows + len(bad)


def _write_subscriptions(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """Plan changes: growers upgrade, a few steady accounts downgrade."""
    con.execute("""
        create table subscription_rows as
        select account_id,
            case when archetype = 'grower' then
                case plan_id when 'free' then 'developer' when 'payg' then 'developer'
                    when 'developer' then 'enterprise' else 'enterprise' end
                else 'free' end as plan_id,
            day_ts(upgrade_day, 0) as effective_at
        from accounts
        where (archetype = 'grower' or (archetype = 'steady' and hash(account_id) % 10 = 0))
            and upgrade_day < (select max(day) from requests)
    """)
    target = out / "subscriptions" / "subscriptions.csv"
    _copy(
        con,
        "select * from subscription_rows order by effective_at, account_id",
        target,
        "FORMAT csv, HEADER",
    )
    return con.execute("select count(*) from subscription_rows").fetchall()[0][0]
