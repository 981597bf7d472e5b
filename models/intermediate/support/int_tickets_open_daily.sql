-- One row per ticket and day on whose end it is open: created by then and not
-- resolved by then (pending counts as open). Tickets use their current state.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

final as (
    select
        calendar.date_day,
        tickets.ticket_id,
        tickets.account_id,
        tickets.priority,
        tickets.created_at
    from calendar
    inner join tickets
        on
            tickets.created_at < {{ dbt.dateadd('day', 1, 'calendar.date_day') }}
            and (
                tickets.resolved_at is null
                or tickets.resolved_at >= {{ dbt.dateadd('day', 1, 'calendar.date_day') }}
            )
)

select * from final
