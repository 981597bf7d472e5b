-- Each account-month's bill under every plan of the catalogue, whatever its
-- price model, so a company can see whether its value metric and price model
-- fit how customers get value. The running
-- month uses the month's projection (calls and data scaled to the whole month,
-- end users as counted so far). A hard-capped plan fits only usage within its cap.
with

months as (
    select * from {{ ref('fct_account_billing_monthly') }}
),

plans as (
    select * from {{ ref('int_plans') }}
),

price_tiers as (
    select * from {{ ref('int_plan_price_tiers') }}
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
        plans.price_model,
        plans.included_quantity,
        plans.is_hard_capped,
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

priced as (
    select
        simulated.*,
        {{ money('simulated.monthly_fee_usd + ' ~ usage_charge_usd('simulated.quantity', 'tier')) }}
            as simulated_bill_usd
    from simulated
    left join price_tiers as tier
        on {{ holds_quantity('tier', 'simulated.plan_id', 'simulated.quantity') }}
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
        price_model,
        quantity,
        included_quantity,
        not is_hard_capped or quantity <= included_quantity as fits,
        simulated_bill_usd,
        current_bill_usd,
        {{ money('current_bill_usd - simulated_bill_usd') }} as savings_usd
    from priced
)

select * from final
