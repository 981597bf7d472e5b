-- Daily, weekly and monthly active developers, accounts and end users for every
-- day of the daily range, zeros before any activity (docs/metrics.md,
-- "Retention, growth accounting and stickiness"):
-- dau (active that day), wau (active in the 7 days ending on the day), mau
-- (the 28 days ending on it). An active day a keeps its entity in an N-day
-- count on days a through a + N - 1, so each count is a running sum of +1
-- where an entity enters it (an active day with no other in the N days
-- before) and -1 where it leaves (N days after an active day with no other in
-- the N - 1 days after): each active day is read once, never joined to a window.
{%- set windows = [('wau', 7), ('mau', 28)] %}
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

activity as (
    select * from {{ ref('int_entity_activity_daily') }}
),

neighbours as (
    select
        entity_type,
        date_day,
        lag(date_day) over entity_days as previous_active_date,
        lead(date_day) over entity_days as next_active_date
    from activity
    window entity_days as (partition by entity_type, app_id, entity_id order by date_day)
),

changes as (
    select
        entity_type,
        date_day,
        {%- for name, days in windows %}
            case
                when
                    previous_active_date is null
                    or previous_active_date <= {{ dbt.dateadd('day', -days, 'date_day') }}
                    then 1
                else 0
            end as {{ name }}_change,
        {%- endfor %}
        1 as dau
    from neighbours
    {%- for name, days in windows %}
        union all
        select
            entity_type,
            cast({{ dbt.dateadd('day', days, 'date_day') }} as date) as date_day,
            {%- for other, _ in windows %}
                {{ -1 if other == name else 0 }} as {{ other }}_change,
            {%- endfor %}
            0 as dau
        from neighbours
        where
            next_active_date is null
            or next_active_date >= {{ dbt.dateadd('day', days, 'date_day') }}
    {%- endfor %}
),

daily as (
    select
        entity_type,
        date_day,
        {%- for name, days in windows %}
            sum({{ name }}_change) as {{ name }}_change,
        {%- endfor %}
        sum(dau) as dau
    from changes
    group by entity_type, date_day
),

grid as (
    {%- for entity_type in growth_entity_types() %}
        select
            '{{ entity_type }}' as entity_type,
            date_day
        from calendar
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

counted as (
    select
        grid.date_day,
        grid.entity_type,
        {%- for name, days in windows %}
            coalesce(sum(daily.{{ name }}_change) over (
                partition by grid.entity_type order by grid.date_day
                rows between unbounded preceding and current row
            ), 0) as {{ name }},
        {%- endfor %}
        coalesce(daily.dau, 0) as dau
    from grid
    left join daily
        on grid.entity_type = daily.entity_type and grid.date_day = daily.date_day
),

final as (
    select
        date_day,
        entity_type,
        cast(dau as bigint) as dau,
        cast(wau as bigint) as wau,
        cast(mau as bigint) as mau,
        cast(dau as double) / nullif(mau, 0) as dau_over_mau
    from counted
)

select * from final
