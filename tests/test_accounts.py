"""Account health, billing and sales signals on the demo warehouse."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest


@pytest.fixture(scope="module")
def con(demo_warehouse):
    connection = duckdb.connect(str(demo_warehouse.work), read_only=True)
    yield connection
    connection.close()


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_demo_has_every_signal_type_and_health_band(con):
    signals = {r[0] for r in rows(con, "select distinct signal_type from marts.fct_sales_signals")}
    assert signals == {
        "expansion_ready",
        "bill_shock_risk",
        "churn_risk",
        "activation_stalled",
        "credits_running_out",
        "support_risk",
    }
    bands = {
        r[0] for r in rows(con, "select distinct health_band from marts.fct_account_health_daily")
    }
    assert bands == {"onboarding", "healthy", "at_risk", "critical"}


def test_api_calls_of_a_month_match_the_landed_requests(con):
    """Recompute one account-month's billable calls from raw rows, by hand."""
    account, month = rows(
        con,
        """select account_id, month_start from marts.fct_account_billing_monthly
           where api_calls > 0 order by api_calls desc limit 1""",
    )[0]
    expected = rows(
        con,
        """
        with copies as (
            select *, row_number() over (
                partition by request_id order by requested_at, _file, _row_number) as copy
            from raw.api_logs
        )
        select count(*) from copies
        inner join raw.applications as a on copies.app_id = a.app_id
        inner join (select distinct developer_id, account_id from raw.signups) as s
            on a.developer_id = s.developer_id
        where copy = 1 and s.account_id = ? and environment = 'production'
          and status_code < 500
          and date_trunc('month', timezone('UTC', requested_at)) = ?
        """,
        [account, month],
    )[0][0]
    assert rows(
        con,
        "select api_calls from marts.fct_account_billing_monthly "
        "where account_id = ? and month_start = ?",
        [account, month],
    ) == [(expected,)]


def test_every_per_block_bill_follows_the_plan_catalogue(con):
    bills = rows(
        con,
        """select b.quantity, b.overage_usd, b.usage_charge_usd, b.bill_usd,
                  b.committed_monthly_usd, p.monthly_fee_usd, p.included_quantity,
                  p.overage_block_size, p.overage_price_usd
           from marts.fct_account_billing_monthly as b
           inner join seeds.plans as p on b.plan_id = p.plan_id
           where b.price_model = 'per_block'""",
    )
    assert len(bills) > 100
    for quantity, overage, charge, bill, committed, fee, included, block, price in bills:
        blocks = math.ceil(round(max(quantity - included, 0) / block, 9))
        expected = 0 if price is None else blocks * price
        assert overage == charge == round(expected, 2)
        # a commitment above the fee and overage is trued up to
        assert bill == max(fee + overage, committed)


def tier_charges(quantity: Decimal, model: str, tiers: list[tuple]) -> list[Decimal]:
    """The charge of each tier that bills a quantity (docs/metrics.md, "Value metrics
    and bills"), in Decimal: every tier it reaches (graduated) or the one tier that
    holds it (volume)."""
    charges, below = [], Decimal(0)
    for up_to, unit_price, flat_fee in tiers:
        if quantity <= below:
            break
        in_tier = quantity if up_to is None else min(quantity, up_to)
        if model == "graduated":
            charges.append(cents((in_tier - below) * unit_price + flat_fee))
        elif in_tier == quantity:
            charges.append(cents(quantity * unit_price + flat_fee))
        below = in_tier
    return charges


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)  # half away from zero


def test_every_graduated_and_volume_bill_follows_its_tiers(con):
    """Recompute each tiered bill in Python's Decimal from the seeds, tier by tier."""
    tiers = {}
    for plan, up_to, unit_price, flat_fee in rows(
        con,
        """select plan_id, up_to_quantity, unit_price_usd, coalesce(flat_fee_usd, 0)
           from seeds.plan_tiers order by plan_id, tier""",
    ):
        tiers.setdefault(plan, []).append((up_to, unit_price, flat_fee))
    bills = rows(
        con,
        """select b.price_model, b.plan_id, b.quantity, b.usage_charge_usd, b.overage_usd,
                  b.bill_usd, b.monthly_fee_usd, b.committed_monthly_usd
           from marts.fct_account_billing_monthly as b where b.price_model <> 'per_block'""",
    )
    assert {b[0] for b in bills if b[3] > 0} == {"graduated", "volume"}
    for model, plan, quantity, charge, overage, bill, fee, committed in bills:
        exact = Decimal(str(quantity)).quantize(Decimal("1e-9"))
        assert charge == overage == sum(tier_charges(exact, model, tiers[plan]), Decimal(0))
        assert bill == max(fee + charge, committed)


def test_invoice_lines_of_every_month_sum_to_its_amount_due(con):
    """Every demo account-month, the running one included: the lines add up to the
    amount due (the bill less the credits applied) to the cent, and every price
    model has usage lines."""
    wrong = rows(
        con,
        """select b.account_id, b.month_start, b.amount_due_usd, sum(l.amount_usd) as lines_usd
           from marts.fct_account_billing_monthly as b
           left join marts.fct_invoice_lines as l using (account_id, month_start)
           group by all having coalesce(sum(l.amount_usd), 0) <> b.amount_due_usd""",
    )
    assert wrong == []
    models = rows(
        con,
        """select b.price_model, count(*) from marts.fct_invoice_lines as l
           inner join marts.fct_account_billing_monthly as b using (account_id, month_start)
           where l.line_type = 'usage' group by 1 order by 1""",
    )
    assert [m for m, count in models if count > 0] == ["graduated", "per_block", "volume"]


def test_each_account_is_billed_every_month_from_its_first_signup(con):
    gaps = rows(
        con,
        """
        with expected as (
            select a.account_id, count(*) as months
            from marts.dim_accounts as a,
                 range(date_trunc('month', a.first_signed_up_date),
                       (select as_of_date from intermediate.int_reporting_period) + 1,
                       interval 1 month) as m(month_start)
            group by 1
        ),
        billed as (
            select account_id, count(*) as months,
                   count(*) filter (where not is_month_complete) as running
            from marts.fct_account_billing_monthly group by 1
        )
        select * from expected full join billed using (account_id)
        where expected.months is distinct from billed.months or billed.running <> 1
        """,
    )
    assert gaps == []


def test_health_score_is_the_sum_of_its_points_and_bands_follow_it(con):
    wrong = rows(
        con,
        """select account_id, date_day from marts.fct_account_health_daily
           where abs(health_score - (usage_trend_points + recency_points + reliability_points
                                     + breadth_points + team_points + support_points)) > 0.35
              or health_band is distinct from case
                  when days_since_last_production_request is null then 'onboarding'
                  when health_score >= 70 then 'healthy'
                  when health_score >= 40 then 'at_risk' else 'critical' end
              or (health_score is null) <> (health_band = 'onboarding')
              or health_score not between 0 and 100""",
    )
    assert wrong == []


def test_call_list_ranks_todays_signals_by_money_at_stake(con):
    """One row per account signalled today, ranked by its biggest signal's dollars."""
    accounts_today = rows(
        con,
        """select count(distinct account_id) from marts.fct_sales_signals
           where detected_on = (select as_of_date from intermediate.int_reporting_period)""",
    )[0][0]
    call_list = rows(
        con,
        """select c.priority_rank, c.money_at_stake_usd, max(s.money_at_stake_usd)
           from marts.fct_sales_call_list as c
           inner join marts.fct_sales_signals as s
               on c.account_id = s.account_id and c.call_on = s.detected_on
           group by 1, 2 order by 1""",
    )
    assert [r[0] for r in call_list] == list(range(1, accounts_today + 1))
    dollars = [r[1] for r in call_list]
    assert dollars == sorted(dollars, reverse=True)
    assert all(account == biggest_signal for _, account, biggest_signal in call_list)
    assert dollars[0] > 0


def test_quota_forecasts_fall_within_the_running_month(con):
    outside = rows(
        con,
        """select account_id from marts.fct_account_quota_forecast
           where forecast_exhausted_on is not null
             and (forecast_exhausted_on < date_trunc('month', as_of_date)
                  or forecast_exhausted_on >= date_trunc('month', as_of_date) + interval 1 month
                  or not runs_out_this_month)""",
    )
    assert outside == []


def test_backtest_precision_recall_and_lift_are_their_counts(con):
    for predicted, outcome, true_positive, evaluated, precision, recall, lift in rows(
        con,
        """select predicted_days, outcome_days, true_positive_days, account_days_evaluated,
                  precision, recall, lift
           from marts.fct_signal_backtest where predictor <> 'health_score'""",
    ):
        assert precision == (true_positive / predicted if predicted else None)
        assert recall == (true_positive / outcome if outcome else None)
        if precision is None or outcome == 0:
            assert lift is None
        else:
            assert lift == pytest.approx(precision / (outcome / evaluated))
    assert rows(con, "select count(*) from marts.fct_signal_backtest") == [(6,)]


def test_demo_bills_show_commitments_and_credits_of_every_kind(con):
    true_ups = rows(
        con,
        """select count(*) filter (commitment_true_up_usd > 0),
                count(*) filter (committed_monthly_usd > 0 and commitment_true_up_usd = 0),
                count(*) filter (bill_usd <> monthly_fee_usd + overage_usd + commitment_true_up_usd
                    or amount_due_usd <> bill_usd - credits_applied_usd)
           from marts.fct_account_billing_monthly""",
    )
    assert true_ups[0][0] > 0 and true_ups[0][1] > 0 and true_ups[0][2] == 0
    # a grant used up, one expired with a remainder that is lost, one paying a month
    # it arrived in the middle of
    kinds = rows(
        con,
        """with ledger as (
               select *,
                   lag(is_valid) over (partition by grant_id order by month_start) as was_valid
               from intermediate.int_account_credit_ledger
           )
           select count(*) filter (is_valid and used_usd > 0 and balance_after_usd = 0),
               count(*) filter (was_valid and not is_valid and balance_before_usd > 0),
               count(*) filter (is_valid and used_usd > 0 and day(granted_at) > 1
                   and date_trunc('month', granted_at) = month_start)
           from ledger""",
    )
    assert all(n > 0 for n in kinds[0]), kinds
