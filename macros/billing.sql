{#- Billing rules (docs/metrics.md, "Value metrics and bills"), written once. -#}

{#-
  Is the plan period (a relation alias with valid_from, valid_to) the one in
  effect just before `moment`? The plan "at the end of" a day or month is the
  plan at the last moment before the next day or month begins, so a change
  effective exactly at `moment` (00:00 on the 1st) belongs to what follows.
-#}
{% macro plan_in_effect_at(periods, moment) -%}
    ({{ periods }}.valid_from is null or {{ periods }}.valid_from < {{ moment }})
    and ({{ periods }}.valid_to is null or {{ periods }}.valid_to >= {{ moment }})
{%- endmacro %}

{#-
  Overage blocks: the quantity above the included quantity in blocks, rounded
  up. The quotient is rounded to 9 places first so that float noise
  (0.30000000000000004 GB / 0.1) does not add a block.
-#}
{% macro overage_blocks(quantity, included_quantity, block_size) -%}
    ceil(round(greatest({{ quantity }} - {{ included_quantity }}, 0) / {{ block_size }}, 9))
{%- endmacro %}

{#- Overage blocks priced per block; 0 for a hard-capped plan (no overage price). -#}
{% macro overage_usd(quantity, included_quantity, block_size, block_price) -%}
    case
        when {{ block_price }} is null then 0
        else {{ overage_blocks(quantity, included_quantity, block_size) }} * {{ block_price }}
    end
{%- endmacro %}

{#- USD with two decimals. -#}
{% macro money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{#-
  A quantity for a sentence: thousands separators, up to 9 decimals without
  trailing zeros (1,000; 0.25).
-#}
{% macro quantity_text(expression) -%}
    regexp_replace({{ format_number(expression, 9) }}, '[.]?0+$', '')
{%- endmacro %}

{#-
  A quantity of a value metric as an exact decimal (9 places: GB to the byte),
  so that money is never computed on binary doubles: 1,001 x 0.005 is 5.005,
  which rounds to 5.01.
-#}
{% macro exact_quantity(expression) -%}
    cast({{ expression }} as decimal(38, 9))
{%- endmacro %}

{#-
  One tier's charge (`tier` is an alias of int_plan_price_tiers): units x the
  tier's unit price + its flat fee, rounded half away from zero to the cent.
-#}
{% macro tier_charge_usd(units, tier) -%}
    {{ money('(' ~ units ~ ') * ' ~ tier ~ '.unit_price_usd + ' ~ tier ~ '.flat_fee_usd') }}
{%- endmacro %}

{#-
  Join condition: `tier` (an alias of int_plan_price_tiers) is the tier of plan
  `plan_id` that holds `quantity`, from_quantity < quantity <= up_to_quantity.
  No tier holds 0, so a left join finds none for a month without usage.
-#}
{% macro holds_quantity(tier, plan_id, quantity) -%}
    {{ tier }}.plan_id = {{ plan_id }}
    and {{ exact_quantity(quantity) }} > {{ tier }}.from_quantity
    and ({{ tier }}.up_to_quantity is null or {{ exact_quantity(quantity) }} <= {{ tier }}.up_to_quantity)
{%- endmacro %}

{#-
  The month's usage charge on `quantity` of the plan's value metric
  (docs/metrics.md, "Value metrics and bills"), for a row carrying the columns
  of int_plans and left joined to the tier holding the quantity (`tier`, see
  holds_quantity):
  per_block bills the blocks over the included quantity; graduated adds the
  charges of the tiers below (charge_below_usd) to the part of quantity in its
  own tier; volume prices all of the quantity at its tier.
-#}
{% macro usage_charge_usd(quantity, tier) -%}
    cast(case price_model
        when 'graduated' then coalesce(
            {{ tier }}.charge_below_usd
            + {{ tier_charge_usd(exact_quantity(quantity) ~ ' - ' ~ tier ~ '.from_quantity', tier) }},
            0
        )
        when 'volume' then coalesce({{ tier_charge_usd(exact_quantity(quantity), tier) }}, 0)
        else {{ money(overage_usd(quantity, 'included_quantity', 'overage_block_size', 'overage_price_usd')) }}
    end as decimal(18, 2))
{%- endmacro %}
