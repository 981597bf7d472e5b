-- The lines of each account-month's bill (docs/metrics.md, "Value metrics and
-- bills"), numbered from 1 in this order: the platform fee (when above 0), the
-- usage (per_block and volume: one line when it charges anything; graduated:
-- one line per tier the quantity reaches, even at 0), then the commitment
-- true-up (when above 0) and one negative line of the credits applied (when
-- any). The lines of a month add up to amount_due_usd. The running month's
-- lines bill its usage so far.
with

bills as (
    select * from {{ ref('fct_account_billing_monthly') }}
),

plans as (
    select * from {{ ref('int_plans') }}
),

price_tiers as (
    select * from {{ ref('int_plan_price_tiers') }}
),

billed_plans as (
    select
        bills.account_id,
        bills.month_start,
        bills.plan_id,
        bills.price_model,
        bills.quantity,
        bills.usage_charge_usd,
        bills.monthly_fee_usd,
        bills.committed_monthly_usd,
        bills.commitment_true_up_usd,
        plans.plan_name,
        plans.included_quantity,
        plans.overage_block_size,
        plans.overage_price_usd,
        case plans.value_metric
            when 'data_gb' then 'GB'
            else replace(plans.value_metric, '_', ' ')
        end as unit
    from bills
    inner join plans on bills.plan_id = plans.plan_id
),

fee_lines as (
    select
        account_id,
        month_start,
        1 as line_order,
        cast(null as integer) as tier,
        'platform_fee' as line_type,
        plan_name || ' plan monthly fee' as description,
        1.0 as quantity,
        cast(monthly_fee_usd as decimal(18, 9)) as unit_price_usd,
        monthly_fee_usd as amount_usd
    from billed_plans
    where monthly_fee_usd > 0
),

block_lines as (
    select
        account_id,
        month_start,
        2 as line_order,
        cast(null as integer) as tier,
        'usage' as line_type,
        'Usage: ' || {{ quantity_text(overage_blocks('quantity', 'included_quantity', 'overage_block_size')) }}
        || ' blocks of ' || {{ quantity_text('overage_block_size') }} || ' ' || unit
        || ' above the ' || {{ quantity_text('included_quantity') }} || ' included' as description,
        cast({{ overage_blocks('quantity', 'included_quantity', 'overage_block_size') }} as double)
            as quantity,
        cast(overage_price_usd as decimal(18, 9)) as unit_price_usd,
        usage_charge_usd as amount_usd
    from billed_plans
    where price_model = 'per_block' and usage_charge_usd > 0
),

reached_tiers as (
    -- each tier of a graduated plan that the quantity reaches, and the units in it
    select
        billed_plans.account_id,
        billed_plans.month_start,
        billed_plans.unit,
        tier.tier,
        tier.from_quantity,
        tier.unit_price_usd,
        tier.flat_fee_usd,
        least(
            {{ exact_quantity('billed_plans.quantity') }},
            coalesce(tier.up_to_quantity, {{ exact_quantity('billed_plans.quantity') }})
        ) - tier.from_quantity as units
    from billed_plans
    inner join price_tiers as tier
        on
            billed_plans.plan_id = tier.plan_id
            and {{ exact_quantity('billed_plans.quantity') }} > tier.from_quantity
    where billed_plans.price_model = 'graduated'
),

graduated_lines as (
    select
        reached_tiers.account_id,
        reached_tiers.month_start,
        2 as line_order,
        reached_tiers.tier,
        'usage' as line_type,
        'Usage tier ' || cast(reached_tiers.tier as {{ dbt.type_string() }}) || ': '
        || {{ quantity_text('reached_tiers.units') }} || ' ' || reached_tiers.unit
        || ' above ' || {{ quantity_text('reached_tiers.from_quantity') }}
        || case
            when reached_tiers.flat_fee_usd > 0
                then ', plus a flat fee of $' || {{ format_number('reached_tiers.flat_fee_usd', 2) }}
            else ''
        end as description,
        cast(reached_tiers.units as double) as quantity,
        reached_tiers.unit_price_usd,
        {{ tier_charge_usd('reached_tiers.units', 'reached_tiers') }} as amount_usd
    from reached_tiers
),

volume_lines as (
    select
        billed_plans.account_id,
        billed_plans.month_start,
        2 as line_order,
        tier.tier,
        'usage' as line_type,
        'Usage: ' || {{ quantity_text('billed_plans.quantity') }} || ' ' || billed_plans.unit
        || ' at the price of tier ' || cast(tier.tier as {{ dbt.type_string() }})
        || case
            when tier.flat_fee_usd > 0 then ', plus a flat fee of $' || {{ format_number('tier.flat_fee_usd', 2) }}
            else ''
        end as description,
        billed_plans.quantity,
        tier.unit_price_usd,
        billed_plans.usage_charge_usd as amount_usd
    from billed_plans
    inner join price_tiers as tier
        on {{ holds_quantity('tier', 'billed_plans.plan_id', 'billed_plans.quantity') }}
    where billed_plans.price_model = 'volume' and billed_plans.usage_charge_usd > 0
),

true_up_lines as (
    select
        account_id,
        month_start,
        3 as line_order,
        cast(null as integer) as tier,
        'commitment_true_up' as line_type,
        'Commitment true-up to the $' || {{ format_number('committed_monthly_usd', 2) }}
        || ' monthly minimum' as description,
        1.0 as quantity,
        cast(commitment_true_up_usd as decimal(18, 9)) as unit_price_usd,
        commitment_true_up_usd as amount_usd
    from billed_plans
    where commitment_true_up_usd > 0
),

-- prepaid credits: one negative line, so the lines add up to the amount due
credit_lines as (
    select
        account_id,
        month_start,
        4 as line_order,
        cast(null as integer) as tier,
        'credits' as line_type,
        'Prepaid credits applied' as description,
        1.0 as quantity,
        cast(-credits_applied_usd as decimal(18, 9)) as unit_price_usd,
        -credits_applied_usd as amount_usd
    from bills
    where credits_applied_usd > 0
),

lines as (
    select * from fee_lines
    union all
    select * from block_lines
    union all
    select * from graduated_lines
    union all
    select * from volume_lines
    union all
    select * from true_up_lines
    union all
    select * from credit_lines
),

final as (
    select
        account_id,
        month_start,
        cast(row_number() over (
            partition by account_id, month_start order by line_order asc, tier asc
        ) as integer) as line_number,
        line_type,
        description,
        quantity,
        cast(unit_price_usd as decimal(18, 9)) as unit_price_usd,
        cast(amount_usd as decimal(18, 2)) as amount_usd
    from lines
)

select * from final
