-- For each account whose plan includes a quantity of its value metric: as of
-- as_of_date, how much of it the running month has used, the daily run-rate
-- (quantity to date / days elapsed), and the day it ran out or, at that rate,
-- will run out this month (null when it lasts the month: quotas reset monthly),
-- so sales can call before the customer is surprised.
with

billing as (
    select * from {{ ref('int_account_billing_daily') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

running_month as (
    select billing.*
    from billing
    cross join period
    where billing.month_start = cast({{ dbt.date_trunc('month', 'period.as_of_date') }} as date)
),

exhausted as (
    -- the first day of the running month whose usage to date reached the quota
    select
        account_id,
        min(date_day) as exhausted_on
    from running_month
    where included_quantity > 0 and quantity_to_date >= included_quantity
    group by account_id
),

today as (
    select running_month.*
    from running_month
    cross join period
    where running_month.date_day = period.as_of_date and running_month.included_quantity > 0
),

final as (
    select
        today.account_id,
        today.plan_id,
        today.value_metric,
        today.is_hard_capped,
        today.date_day as as_of_date,
        today.included_quantity,
        today.quantity_to_date,
        today.quantity_to_date / today.included_quantity as share_used,
        today.quantity_to_date / today.days_elapsed as daily_run_rate,
        exhausted.exhausted_on,
        case
            when exhausted.exhausted_on is not null then exhausted.exhausted_on
            when today.projected_quantity >= today.included_quantity
                then cast({{ dbt.dateadd(
                    'day',
                    'cast(ceil((today.included_quantity - today.quantity_to_date) / (today.quantity_to_date / today.days_elapsed)) as integer)',
                    'today.date_day'
                ) }} as date)
        end as forecast_exhausted_on,
        coalesce(
            exhausted.exhausted_on is not null
            or today.projected_quantity >= today.included_quantity,
            false
        ) as runs_out_this_month
    from today
    left join exhausted on today.account_id = exhausted.account_id
)

select * from final
