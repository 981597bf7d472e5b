-- Each account-month's bill under every plan of the catalogue, so a company
-- can see whether its value metric fits how customers get value. The running
-- month uses the month's projection (calls and data scaled to the whole month,
-- end users as counted so far). A hard-capped plan fits only usage within its cap.
with

months as (
    select * from {{ ref('fct_account_billing_monthly') }}
),

plans as (
    select * from {{ ref('plans') }}
),

usage as (
    select
        account_id,
        month_start,
        is_month_complete,
        plan_id as current_plan_id,
        coalesce(projected_bill_usd, bill_usd) as current_bill_usd,
        case when is_month_complete then 1.0 else cast(days_in_month as double) / days_elapsed end
            as scale,
        api_calls,
        data_gb,
        monthly_active_end_users
    from months
),

simulated as (
    select
        usage.account_id,
        usage.month_start,
        usage.is_month_complete,
        usage.current_plan_id,
        usage.current_bill_usd,
        plans.plan_id,
        plans.value_metric,
        plans.included_quantity,
        plans.overage_price_usd is null as is_hard_capped,
        plans.monthly_fee_usd,
        plans.overage_block_size,
        plans.overage_price_usd,
        case plans.value_metric
            when 'api_calls' then usage.api_calls * usage.scale
            when 'data_gb' then usage.data_gb * usage.scale
            when 'monthly_active_end_users' then cast(usage.monthly_active_end_users as double)
        end as quantity
    from usage
    cross join plans
),

final as (
    select
        account_id,
        month_start,
        is_month_complete,
        current_plan_id,
        plan_id,
        plan_id = current_plan_id as is_current_plan,
        value_metric,
        quantity,
        included_quantity,
        not is_hard_capped or quantity <= included_quantity as fits,
        {{ plan_bill_usd('quantity') }} as simulated_bill_usd,
        current_bill_usd,
        {{ money('current_bill_usd - ' ~ plan_bill_usd('quantity')) }} as savings_usd
    from simulated
)

select * from final
