-- The plan catalogue as billing reads it: an empty price_model is per_block
-- (docs/customer_success_guide.md, "Price models, each with a worked bill"),
-- and only a per_block plan without an overage price is hard-capped (graduated
-- and volume plans price every unit).
with

plans as (
    select * from {{ ref('plans') }}
),

final as (
    select
        plan_id,
        plan_name,
        value_metric,
        coalesce(price_model, 'per_block') as price_model,
        monthly_fee_usd,
        included_quantity,
        overage_block_size,
        overage_price_usd,
        coalesce(price_model, 'per_block') = 'per_block' and overage_price_usd is null
            as is_hard_capped
    from plans
)

select * from final
