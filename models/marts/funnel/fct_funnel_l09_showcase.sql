-- Layer 9, showcase: subjects featured that day, and how many developers plus
-- applications are featured (and not removed since) at the end of the day.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

showcases as (
    select * from {{ ref('stg_programs__events') }}
    where program = 'showcase'
),

featured_that_day as (
    select
        cast(occurred_at as date) as date_day,
        count(distinct case when subject_type = 'developer' then subject_id end)
            as developers_showcased,
        count(distinct case when subject_type = 'application' then subject_id end)
            as applications_showcased
    from showcases
    where outcome = 'featured'
    group by cast(occurred_at as date)
),

-- each event sets the subject's state until its next event
-- (at the same moment, a removal comes after a feature)
states as (
    select
        subject_type,
        subject_id,
        outcome,
        occurred_at as state_from,
        lead(occurred_at) over (
            partition by subject_type, subject_id
            order by occurred_at asc, outcome asc
        ) as state_to
    from showcases
),

featured_at_day_end as (
    select
        calendar.date_day,
        count(*) as showcased_total
    from calendar
    inner join states
        on
            states.state_from < {{ dbt.dateadd('day', 1, 'calendar.date_day') }}
            and (
                states.state_to is null
                or states.state_to >= {{ dbt.dateadd('day', 1, 'calendar.date_day') }}
            )
    where states.outcome = 'featured'
    group by calendar.date_day
),

final as (
    select
        calendar.date_day,
        coalesce(featured_that_day.developers_showcased, 0) as developers_showcased,
        coalesce(featured_that_day.applications_showcased, 0) as applications_showcased,
        coalesce(featured_at_day_end.showcased_total, 0) as showcased_total
    from calendar
    left join featured_that_day on calendar.date_day = featured_that_day.date_day
    left join featured_at_day_end on calendar.date_day = featured_at_day_end.date_day
)

select * from final
