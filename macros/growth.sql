{#- Retention, growth accounting and stickiness (docs/metrics.md), declared once. -#}

{#- The entities whose activity the growth marts count, and the periods they count it in. -#}
{% macro growth_entity_types() -%}
    {{ return(['developer', 'account', 'end_user']) }}
{%- endmacro %}

{% macro growth_period_types() -%}
    {{ return(['week', 'month']) }}
{%- endmacro %}

{#- The first day (a date) of the ISO week (from Monday) or calendar month holding `day`. -#}
{% macro period_start(period_type, day) -%}
    cast({{ dbt.date_trunc(period_type, day) }} as date)
{%- endmacro %}

{#- The last day (a date) of the week or month starting on `start`. -#}
{% macro period_end(period_type, start) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd(period_type, 1, start)) }} as date)
{%- endmacro %}
