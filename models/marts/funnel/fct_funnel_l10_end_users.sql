-- Layer 10, end users (the pair app_id, end_user_id) with a production request
-- that day: active, new (first production request ever), returning (also active
-- on one of the 28 days before, d-28 through d-1), and their requests; the
-- sessions started that day and their median length from first to last request.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

end_user_days as (
    select * from {{ ref('int_end_users_daily') }}
),

sessions as (
    select * from {{ ref('int_end_user_sessions') }}
),

with_history as (
    select
        date_day,
        production_requests,
        lag(date_day) over (partition by app_id, end_user_id order by date_day) as previous_active_date
    from end_user_days
),

daily as (
    select
        date_day,
        count(*) as active_end_users,
        -- no earlier active day: the end user's first production request ever
        count(case when previous_active_date is null then 1 end) as new_end_users,
        count(case
            when previous_active_date >= {{ dbt.dateadd('day', -28, 'date_day') }} then 1
        end) as returning_end_users,
        {{ count_sum('production_requests') }} as end_user_requests
    from with_history
    group by date_day
),

-- a session counts on the UTC day it starts, even when it ends on the next
sessions_daily as (
    select
        started_date as date_day,
        count(*) as end_user_sessions,
        {{ percentile('duration_minutes', 0.5) }} as median_session_minutes
    from sessions
    group by started_date
),

final as (
    select
        calendar.date_day,
        coalesce(daily.active_end_users, 0) as active_end_users,
        coalesce(daily.new_end_users, 0) as new_end_users,
        coalesce(daily.returning_end_users, 0) as returning_end_users,
        coalesce(daily.end_user_requests, 0) as end_user_requests,
        coalesce(sessions_daily.end_user_sessions, 0) as end_user_sessions,
        sessions_daily.median_session_minutes
    from calendar
    left join daily on calendar.date_day = daily.date_day
    left join sessions_daily on calendar.date_day = sessions_daily.date_day
)

select * from final
