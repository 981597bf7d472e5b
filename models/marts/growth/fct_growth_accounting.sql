-- Growth accounting of developers, accounts and end users per ISO week and
-- calendar month (docs/metrics.md, "Retention, growth accounting and
-- stickiness"), from the first period with activity of the entity type through
-- the one holding as_of_date. An entity active in the period is new (its first
-- active period ever), retained (also active in the previous period) or
-- resurrected (otherwise); churned entities were active in the previous period
-- and not in this one.
with

periods as (
    select * from {{ ref('int_growth_periods') }}
),

activity as (
    select * from {{ ref('int_entity_activity_periods') }}
),

sequenced as (
    select
        entity_type,
        period_type,
        period_index,
        lag(period_index) over entity_periods as previous_active_index,
        lead(period_index) over entity_periods as next_active_index
    from activity
    window entity_periods as (
        partition by entity_type, period_type, app_id, entity_id order by period_index
    )
),

classified as (
    select
        entity_type,
        period_type,
        period_index,
        count(*) as active,
        count(case when previous_active_index is null then 1 end) as new,
        count(case when previous_active_index = period_index - 1 then 1 end) as retained,
        count(case when previous_active_index < period_index - 1 then 1 end) as resurrected
    from sequenced
    group by entity_type, period_type, period_index
),

-- an entity not active in the period after an active one churns in that period
churned as (
    select
        entity_type,
        period_type,
        period_index + 1 as period_index,
        count(*) as churned
    from sequenced
    where next_active_index is null or next_active_index > period_index + 1
    group by entity_type, period_type, period_index
),

first_active as (
    select
        entity_type,
        period_type,
        min(period_index) as first_period_index
    from activity
    group by entity_type, period_type
),

grid as (
    select
        first_active.entity_type,
        periods.period_type,
        periods.period_start,
        periods.period_index,
        periods.is_period_complete
    from first_active
    inner join periods
        on
            first_active.period_type = periods.period_type
            and first_active.first_period_index <= periods.period_index
),

counted as (
    select
        grid.entity_type,
        grid.period_type,
        grid.period_start,
        coalesce(classified.active, 0) as active,
        coalesce(classified.new, 0) as new,
        coalesce(classified.retained, 0) as retained,
        coalesce(classified.resurrected, 0) as resurrected,
        coalesce(churned.churned, 0) as churned,
        grid.is_period_complete
    from grid
    left join classified
        on
            grid.entity_type = classified.entity_type
            and grid.period_type = classified.period_type
            and grid.period_index = classified.period_index
    left join churned
        on
            grid.entity_type = churned.entity_type
            and grid.period_type = churned.period_type
            and grid.period_index = churned.period_index
),

final as (
    select
        entity_type,
        period_type,
        period_start,
        active,
        new,
        retained,
        resurrected,
        churned,
        cast(new + resurrected as double) / nullif(churned, 0) as quick_ratio,
        is_period_complete
    from counted
)

select * from final
