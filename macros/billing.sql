{#- Billing rules of CONTRACT.md section 3, written once. -#}

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
  Overage in blocks rounded up, priced per block; 0 for a hard-capped plan
  (no overage price). The quotient is rounded to 9 places first so that float
  noise (0.30000000000000004 GB / 0.1) does not add a block.
-#}
{% macro overage_usd(quantity, included_quantity, block_size, block_price) -%}
    case
        when {{ block_price }} is null then 0
        else ceil(round(
            greatest({{ quantity }} - {{ included_quantity }}, 0) / {{ block_size }}, 9
        )) * {{ block_price }}
    end
{%- endmacro %}

{#- USD with two decimals. -#}
{% macro money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{#-
  The month's bill on a quantity of the plan's value metric, for a row that
  carries the plan's columns (monthly_fee_usd, included_quantity,
  overage_block_size, overage_price_usd).
-#}
{% macro plan_bill_usd(quantity) -%}
    {{ money('monthly_fee_usd + ' ~ overage_usd(quantity, 'included_quantity', 'overage_block_size', 'overage_price_usd')) }}
{%- endmacro %}
