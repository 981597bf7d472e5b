"""Money columns (contract type `decimal`): credit grants and commitments load as
exact cents, and every value that is not a plain amount is rejected with its reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
from conftest import rows

from hourglass.loading.schema import ensure_raw_schema


def test_credit_grants_load_exact_cents_and_reject_what_is_not_a_positive_amount(
    landing, load, con
):
    landing.csv(
        "credit_grants/g.csv",
        "grant_id,account_id,granted_at,amount_usd,expires_at\n"
        "g1,a1,2026-10-01T00:00:00Z,500,2027-01-01T00:00:00Z\n"
        "g2,a1,2026-10-15T00:00:00Z,1000.10,\n"
        "g3,a1,2026-10-15T00:00:00Z,0.300,\n"
        "g4,a1,2026-10-15T00:00:00Z,0,\n"
        "g5,a1,2026-10-15T00:00:00Z,-5,\n"
        "g6,a1,2026-10-15T00:00:00Z,10.005,\n"
        "g7,a1,2026-10-15T00:00:00Z,1e3,\n"
        "g8,a1,2026-10-15T00:00:00Z,,\n",
    )
    result = load("credit_grants")
    assert (result.total("rows_read"), result.total("rows_loaded")) == (8, 3)
    loaded = "select grant_id, amount_usd, expires_at from raw.credit_grants order by 1"
    assert rows(con, loaded) == [
        ("g1", Decimal("500.00"), dt.datetime(2027, 1, 1, tzinfo=dt.UTC)),
        ("g2", Decimal("1000.10"), None),
        ("g3", Decimal("0.30"), None),
    ]
    assert rows(con, "select row_number, column_name, reason from raw.rejects order by 1") == [
        (4, "amount_usd", "value 0 not above 0"),
        (5, "amount_usd", "value -5 not above 0"),
        (6, "amount_usd", "value '10.005' has more than 2 decimal places"),
        (7, "amount_usd", "unparsable decimal '1e3'"),
        (8, "amount_usd", "missing required value"),
    ]


def test_native_numbers_in_a_money_column_and_an_absent_source(landing, load, con):
    landing.parquet(
        "credit_grants/g.parquet",
        pa.table(
            {
                "grant_id": ["g1", "g2", "g3"],
                "account_id": ["a1", "a1", "a1"],
                "granted_at": [dt.datetime(2026, 10, 1, tzinfo=dt.UTC)] * 3,
                "amount_usd": [12.5, 0.1, 0.30000000000000004],
            }
        ),
    )
    load("credit_grants")
    assert rows(con, "select grant_id, amount_usd from raw.credit_grants order by 1") == [
        ("g1", Decimal("12.50")),
        ("g2", Decimal("0.10")),
    ]
    assert rows(con, "select row_number, reason from raw.rejects") == [
        (3, "value '0.30000000000000004' has more than 2 decimal places")
    ]
    # committed_monthly_usd: optional, >= 0; an absent source is no error
    assert load("subscriptions").missing


def test_commitments_are_optional_amounts_of_zero_or_more(landing, load, con):
    landing.csv(
        "subscriptions/s.csv",
        "account_id;plan_id;effective_at;committed_monthly_usd\n"
        "a1;developer;2026-11-01T00:00:00Z;1500,5\n"
        "a2;developer;2026-11-01T00:00:00Z;\n"
        "a3;developer;2026-11-01T00:00:00Z;0\n"
        "a4;developer;2026-11-01T00:00:00Z;-1\n",
    )
    load("subscriptions")
    loaded = "select account_id, committed_monthly_usd from raw.subscriptions order by 1"
    assert rows(con, loaded) == [
        ("a1", Decimal("1500.50")),
        ("a2", None),
        ("a3", Decimal("0.00")),
    ]
    assert rows(con, "select row_number, column_name, reason from raw.rejects") == [
        (4, "committed_monthly_usd", "value -1 below minimum 0")
    ]


def test_a_working_database_from_before_a_new_column_gains_it(con):
    con.execute("create schema raw")
    con.execute(
        "create table raw.subscriptions (account_id varchar, plan_id varchar, "
        "effective_at timestamptz, _file varchar not null, _row_number bigint not null, "
        "_batch_id varchar not null, _loaded_at timestamptz not null)"
    )
    ensure_raw_schema(con)
    assert rows(
        con,
        "select data_type from information_schema.columns "
        "where table_name = 'subscriptions' and column_name = 'committed_monthly_usd'",
    ) == [("DECIMAL(18,2)",)]
