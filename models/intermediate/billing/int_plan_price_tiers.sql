-- The tiers of graduated and volume plans with their bounds: tier t covers
-- (from_quantity, up_to_quantity], from_quantity being the previous tier's
-- up_to_quantity (0 for the first) and up_to_quantity null for the last.
-- charge_below_usd is what a graduated plan charges for all the tiers below
-- (each tier's full charge rounded to the cent), so a quantity is priced from
-- the one tier that holds it. The seed's test valid_price_tiers has already
-- stopped the run if a plan's tiers are missing or out of order.
with

plan_tiers as (
    select * from {{ ref('plan_tiers') }}
),

bounded as (
    select
        plan_id,
        tier,
        {{ exact_quantity(
            'coalesce(lag(up_to_quantity) over (partition by plan_id order by tier), 0)'
        ) }} as from_quantity,
        {{ exact_quantity('up_to_quantity') }} as up_to_quantity,
        coalesce(unit_price_usd, 0) as unit_price_usd,
        coalesce(flat_fee_usd, 0) as flat_fee_usd
    from plan_tiers
),

full_charges as (
    select
        *,
        {{ tier_charge_usd('up_to_quantity - from_quantity', 'bounded') }} as full_charge_usd
    from bounded
),

final as (
    select
        plan_id,
        tier,
        from_quantity,
        up_to_quantity,
        unit_price_usd,
        flat_fee_usd,
        cast(coalesce(sum(full_charge_usd) over (
            partition by plan_id order by tier rows between unbounded preceding and 1 preceding
        ), 0) as decimal(18, 2)) as charge_below_usd
    from full_charges
)

select * from final
