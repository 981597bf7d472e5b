-- For each account, the cheapest plan that fits its latest month (the latest
-- complete month, else the running month's projection), against its current plan.
with

simulation as (
    select * from {{ ref('fct_pricing_simulation') }}
),

latest_month as (
    select
        account_id,
        coalesce(
            max(case when is_month_complete then month_start end),
            max(month_start)
        ) as month_start
    from simulation
    group by account_id
),

candidates as (
    select
        simulation.*,
        row_number() over (
            partition by simulation.account_id
            order by
                simulation.simulated_bill_usd asc, simulation.is_current_plan desc,
                simulation.plan_id asc
        ) as price_rank
    from simulation
    inner join latest_month
        on
            simulation.account_id = latest_month.account_id
            and simulation.month_start = latest_month.month_start
    where simulation.fits
),

current_plan as (
    select simulation.*
    from simulation
    inner join latest_month
        on
            simulation.account_id = latest_month.account_id
            and simulation.month_start = latest_month.month_start
    where simulation.is_current_plan
),

final as (
    select
        current_plan.account_id,
        current_plan.month_start as based_on_month,
        current_plan.is_month_complete as based_on_complete_month,
        current_plan.plan_id as current_plan_id,
        current_plan.value_metric as current_value_metric,
        current_plan.price_model as current_price_model,
        current_plan.fits as current_plan_fits,
        current_plan.simulated_bill_usd as current_plan_bill_usd,
        cheapest.plan_id as cheapest_plan_id,
        cheapest.value_metric as cheapest_value_metric,
        cheapest.price_model as cheapest_price_model,
        cheapest.simulated_bill_usd as cheapest_plan_bill_usd,
        {{ money('current_plan.simulated_bill_usd - cheapest.simulated_bill_usd') }} as savings_usd,
        cheapest.plan_id = current_plan.plan_id as is_on_cheapest_plan
    from current_plan
    left join candidates as cheapest
        on current_plan.account_id = cheapest.account_id and cheapest.price_rank = 1
)

select * from final
