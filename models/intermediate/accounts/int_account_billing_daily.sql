{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    days_to_rebuild='int_account_days_to_rebuild',
    rebuild_where='is_month_to_date_dirty',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_account_days_to_rebuild') }}
-- A table: several models and tests read it, so it is computed once.
-- Incremental: a changed day changes its month to date, so the rest of its
-- month is recomputed, from the months' whole inputs.
-- Per account and day: the running month's value-metric quantities to date, the
-- plan and commitment in effect at the end of the day, the bill on usage so far
-- under the plan's price model, and the projection for the month (docs/metrics.md,
-- "Value metrics and bills", with days_elapsed counted through the day). The
-- monthly bill is this row on the month's last day, or on as_of_date for the
-- running month.
{%- set next_month = dbt.dateadd('month', 1, 'month_start') %}
{%- set month_to_date -%}
    partition by account_id, month_start order by date_day rows between unbounded preceding and current row
{%- endset %}
with

account_days as (
    select * from {{ ref('int_account_days') }}
    where {{ since_days_to_rebuild('date_day', dbt.date_trunc('month', 'first_day')) }}
),

usage as (
    select * from {{ ref('int_account_usage_daily') }}
    where {{ since_days_to_rebuild('date_day', dbt.date_trunc('month', 'first_day')) }}
),

end_users as (
    select * from {{ ref('int_end_users_daily') }}
    where {{ since_days_to_rebuild('date_day', dbt.date_trunc('month', 'first_day')) }}
),

applications as (
    select * from {{ ref('int_applications') }}
),

plan_periods as (
    select * from {{ ref('int_account_plan_periods') }}
),

plans as (
    select * from {{ ref('int_plans') }}
),

price_tiers as (
    select * from {{ ref('int_plan_price_tiers') }}
),

-- an end user counts in a month from its first billable request in it
first_billable_in_month as (
    select
        applications.account_id,
        {{ dbt.date_trunc('month', 'end_users.date_day') }} as month_start,
        end_users.app_id,
        end_users.end_user_id,
        min(end_users.date_day) as first_date
    from end_users
    inner join applications on end_users.app_id = applications.app_id
    where end_users.billable_requests > 0
    group by
        applications.account_id,
        {{ dbt.date_trunc('month', 'end_users.date_day') }},
        end_users.app_id,
        end_users.end_user_id
),

new_monthly_end_users as (
    select
        account_id,
        first_date as date_day,
        count(*) as new_end_users
    from first_billable_in_month
    group by account_id, first_date
),

days as (
    select
        account_days.account_id,
        account_days.date_day,
        cast({{ dbt.date_trunc('month', 'account_days.date_day') }} as date) as month_start,
        coalesce(usage.billable_requests, 0) as billable_requests,
        coalesce(usage.billable_bytes, 0) as billable_bytes,
        coalesce(new_monthly_end_users.new_end_users, 0) as new_end_users
    from account_days
    left join usage
        on account_days.account_id = usage.account_id and account_days.date_day = usage.date_day
    left join new_monthly_end_users
        on
            account_days.account_id = new_monthly_end_users.account_id
            and account_days.date_day = new_monthly_end_users.date_day
),

to_date as (
    select
        account_id,
        date_day,
        month_start,
        {{ day_difference('month_start', 'date_day') }} + 1 as days_elapsed,  -- noqa: LT05
        {{ day_difference('month_start', next_month) }} as days_in_month,  -- noqa: LT05
        {{ count_sum('billable_requests', month_to_date) }} as api_calls,
        sum(billable_bytes) over ({{ month_to_date }}) / 1e9 as data_gb,
        {{ count_sum('new_end_users', month_to_date) }} as monthly_active_end_users
    from days
),

with_plan as (
    select
        to_date.*,
        plans.plan_id,
        plan_periods.committed_monthly_usd,
        plans.value_metric,
        plans.price_model,
        plans.monthly_fee_usd,
        plans.included_quantity,
        plans.overage_block_size,
        plans.overage_price_usd,
        plans.is_hard_capped,
        case plans.value_metric
            when 'api_calls' then cast(to_date.api_calls as double)
            when 'data_gb' then to_date.data_gb
            when 'monthly_active_end_users' then cast(to_date.monthly_active_end_users as double)
        end as quantity_to_date
    from to_date
    inner join plan_periods
        on
            to_date.account_id = plan_periods.account_id
            and {{ plan_in_effect_at('plan_periods', dbt.dateadd('day', 1, 'to_date.date_day')) }}
    inner join plans on plan_periods.plan_id = plans.plan_id
),

projected as (
    select
        *,
        -- a distinct count is not scaled: its projection is its value to date
        case
            when value_metric = 'monthly_active_end_users' then quantity_to_date
            else quantity_to_date / days_elapsed * days_in_month
        end as projected_quantity
    from with_plan
),

priced as (
    select
        projected.*,
        {{ usage_charge_usd('projected.quantity_to_date', 'tier_to_date') }} as usage_charge_usd,
        {{ usage_charge_usd('projected.projected_quantity', 'projected_tier') }}
            as projected_usage_charge_usd
    from projected
    left join price_tiers as tier_to_date
        on {{ holds_quantity('tier_to_date', 'projected.plan_id', 'projected.quantity_to_date') }}
    left join price_tiers as projected_tier
        on {{ holds_quantity('projected_tier', 'projected.plan_id', 'projected.projected_quantity') }}
),

final as (
    select
        account_id,
        date_day,
        month_start,
        days_elapsed,
        days_in_month,
        date_day = {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }}
            as is_month_end,
        plan_id,
        value_metric,
        price_model,
        is_hard_capped,
        api_calls,
        data_gb,
        monthly_active_end_users,
        quantity_to_date,
        included_quantity,
        -- an empty included quantity (graduated and volume plans) counts as 0
        greatest(quantity_to_date - coalesce(included_quantity, 0), 0) as overage_quantity,
        -- the usage charge: blocks of overage (per_block) or the tiers' charge
        usage_charge_usd as overage_usd,
        usage_charge_usd,
        monthly_fee_usd,
        committed_monthly_usd,
        -- a commitment above the fee and usage charge is trued up to
        {{ money('greatest(committed_monthly_usd - (monthly_fee_usd + usage_charge_usd), 0)') }}
            as commitment_true_up_usd,
        {{ money('greatest(monthly_fee_usd + usage_charge_usd, committed_monthly_usd)') }} as bill_usd,
        projected_quantity,
        {{ money('greatest(monthly_fee_usd + projected_usage_charge_usd, committed_monthly_usd)') }}
            as projected_bill_usd
    from priced
    where {{ on_days_to_rebuild('date_day') }}
)

select * from final
