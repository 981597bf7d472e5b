-- Per account and day, everything a sales signal is evaluated on, with data
-- through that day only: health components, the month's billing projection as
-- of the day, the previous month's bill and the average of the three before
-- the day's month, the next plan up, the prepaid credit available, activation
-- and past production weeks.
-- The churn_silent_days var sets the window of the silent-account rule.
{%- set silent_days = var('signal_thresholds')['churn_silent_days'] %}
{%- set last_3_months = 'partition by account_id order by month_start rows between 2 preceding and current row' %}
with

health as (
    select * from {{ ref('int_account_health_components') }}
),

scores as (
    select * from {{ ref('int_account_health_scores') }}
),

billing as (
    select * from {{ ref('int_account_billing_daily') }}
),

usage as (
    select * from {{ ref('int_account_usage_daily') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

credits as (
    select * from {{ ref('int_account_credit_daily') }}
),

plans as (
    select * from {{ ref('plans') }}
),

-- each ended month's bill, and the average of it and the (up to) two before:
-- read from the month before, the average bill of the last three complete months
month_bills as (
    select
        account_id,
        month_start,
        bill_usd,
        {{ money('avg(bill_usd) over (' ~ last_3_months ~ ')') }} as average_bill_3_months_usd,
        count(*) over ({{ last_3_months }}) as months_averaged
    from billing
    where is_month_end
),

-- the next plan up: the cheapest with a higher fee on the same value metric
next_plans as (
    select
        plans.plan_id,
        higher.plan_id as next_plan_id,
        {{ money('higher.monthly_fee_usd - plans.monthly_fee_usd') }} as next_plan_fee_difference_usd,
        row_number() over (
            partition by plans.plan_id order by higher.monthly_fee_usd, higher.plan_id
        ) as step
    from plans
    inner join plans as higher
        on
            plans.value_metric = higher.value_metric
            and plans.monthly_fee_usd < higher.monthly_fee_usd
),

-- ISO weeks with production requests, counted up to each day
production_weeks as (
    select
        account_id,
        date_day,
        {{ count_sum(
            'case when production_requests > 0 and is_first_active_day_of_week then 1 else 0 end',
            'partition by account_id order by date_day rows between unbounded preceding and current row',
        ) }} as production_weeks_to_date
    from (
        select
            *,
            row_number() over (
                partition by account_id, {{ dbt.date_trunc('week', 'date_day') }}, production_requests > 0
                order by date_day
            ) = 1 as is_first_active_day_of_week
        from usage
    ) as flagged
),

final as (
    select
        health.*,
        scores.health_score,
        scores.health_band,
        accounts.first_signed_up_date,
        {{ day_difference('accounts.first_signed_up_date', 'health.date_day') }}
            as days_since_first_signup,
        billing.plan_id,
        billing.value_metric,
        billing.is_hard_capped,
        billing.quantity_to_date,
        billing.included_quantity,
        billing.monthly_fee_usd,
        billing.projected_quantity,
        billing.projected_bill_usd,
        previous_month.bill_usd as previous_bill_usd,
        coalesce(credits.credit_available_usd, 0) as credit_available_usd,
        previous_month.average_bill_3_months_usd as average_bill_last_3_months_usd,
        coalesce(previous_month.months_averaged, 0) as complete_months_averaged,
        next_plans.next_plan_id,
        next_plans.next_plan_fee_difference_usd,
        {{ count_sum(
            'usage.production_requests',
            'partition by health.account_id order by health.date_day rows between '
            ~ (silent_days - 1) ~ ' preceding and current row',
        ) }} as production_requests_silent_window,
        -- weeks with production before the silent window: the count silent_days days ago
        coalesce(lag(production_weeks.production_weeks_to_date, {{ silent_days }}) over (
            partition by health.account_id order by health.date_day
        ), 0) as production_weeks_before_silent_window
    from health
    inner join scores
        on health.account_id = scores.account_id and health.date_day = scores.date_day
    inner join billing
        on health.account_id = billing.account_id and health.date_day = billing.date_day
    inner join usage
        on health.account_id = usage.account_id and health.date_day = usage.date_day
    inner join production_weeks
        on health.account_id = production_weeks.account_id and health.date_day = production_weeks.date_day
    inner join accounts on health.account_id = accounts.account_id
    left join credits on health.account_id = credits.account_id and health.date_day = credits.date_day
    left join month_bills as previous_month
        on
            billing.account_id = previous_month.account_id
            and previous_month.month_start = {{ dbt.dateadd('month', -1, 'billing.month_start') }}
    left join next_plans on billing.plan_id = next_plans.plan_id and next_plans.step = 1
)

select * from final
