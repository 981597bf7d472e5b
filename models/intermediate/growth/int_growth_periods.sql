{{ config(materialized='table') }}
-- A table, not a view: every growth mart reads it, so it is computed once.
-- One row per ISO week (from Monday) and calendar month overlapping the daily
-- range, numbered from 0 in order within its period type, with its last day
-- and whether it is complete (as_of_date is on or after its last day).
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

periods as (
    {%- for period_type in growth_period_types() %}
        select distinct
            '{{ period_type }}' as period_type,
            {{ period_start(period_type, 'date_day') }} as period_start,
            {{ period_end(period_type, period_start(period_type, 'date_day')) }} as period_end
        from calendar
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        cast(row_number() over (
            partition by periods.period_type order by periods.period_start
        ) - 1 as {{ dbt.type_bigint() }}) as period_index,
        period.as_of_date >= periods.period_end as is_period_complete
    from periods
    cross join period
)

select * from final
