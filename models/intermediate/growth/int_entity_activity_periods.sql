{{ config(materialized='table') }}
-- A table, not a view: retention and growth accounting both read it.
-- One row per entity and period (ISO week, calendar month) with any active day,
-- with the period's number in order (int_growth_periods.period_index).
with

activity as (
    select * from {{ ref('int_entity_activity_daily') }}
),

periods as (
    select * from {{ ref('int_growth_periods') }}
),

active_periods as (
    {%- for period_type in growth_period_types() %}
        select distinct
            entity_type,
            app_id,
            entity_id,
            '{{ period_type }}' as period_type,
            {{ period_start(period_type, 'date_day') }} as period_start
        from activity
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        active_periods.entity_type,
        active_periods.app_id,
        active_periods.entity_id,
        active_periods.period_type,
        active_periods.period_start,
        periods.period_index
    from active_periods
    inner join periods
        on
            active_periods.period_type = periods.period_type
            and active_periods.period_start = periods.period_start
)

select * from final
