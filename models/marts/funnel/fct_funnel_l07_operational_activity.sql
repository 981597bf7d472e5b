-- Layer 7, operational activity: tickets opened, resolved and open per day, and
-- the median hours to first response of the tickets opened that day.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

open_tickets as (
    select * from {{ ref('int_tickets_open_daily') }}
),

opened as (
    select
        cast(created_at as date) as date_day,
        count(*) as tickets_opened,
        {{ percentile(hours_between('created_at', 'first_response_at'), 0.5) }}
            as median_first_response_hours
    from tickets
    group by cast(created_at as date)
),

solved as (
    select
        cast(resolved_at as date) as date_day,
        count(*) as tickets_solved
    from tickets
    where is_resolved
    group by cast(resolved_at as date)
),

still_open as (
    select
        date_day,
        count(*) as open_tickets
    from open_tickets
    group by date_day
),

final as (
    select
        calendar.date_day,
        coalesce(opened.tickets_opened, 0) as tickets_opened,
        coalesce(solved.tickets_solved, 0) as tickets_solved,
        coalesce(still_open.open_tickets, 0) as open_tickets,
        opened.median_first_response_hours
    from calendar
    left join opened on calendar.date_day = opened.date_day
    left join solved on calendar.date_day = solved.date_day
    left join still_open on calendar.date_day = still_open.date_day
)

select * from final
