{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    days_to_rebuild='int_account_days_to_rebuild',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_account_days_to_rebuild') }}
-- Layer 10, end users (the pair app_id, end_user_id) with a production request
-- that day: active, new (first production request ever), returning (also active
-- on one of the 28 days before, d-28 through d-1), and their requests; the
-- sessions started that day and their median length from first to last request.
-- Incremental: a changed day can make an end user new or returning on any later
-- day, so every day from the first changed one is recomputed, from the 28 days
-- before it on and the end users seen earlier.
{%- set window_start = dbt.dateadd('day', -28, 'first_day') %}
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
    where {{ on_days_to_rebuild('date_day') }}
),

end_user_days as (
    select * from {{ ref('int_end_users_daily') }}
    where {{ since_days_to_rebuild('date_day', window_start) }}
),

-- end users active before the days read (none in a full build): not new
seen_before as (
    select distinct
        app_id,
        end_user_id
    from {{ ref('int_end_users_daily') }}
    where not ({{ since_days_to_rebuild('date_day', window_start) }})
),

sessions as (
    select * from {{ ref('int_end_user_sessions') }}
    where {{ on_days_to_rebuild('started_date') }}
),

with_history as (
    select
        end_user_days.date_day,
        end_user_days.production_requests,
        seen_before.end_user_id is not null as was_seen_before,
        lag(end_user_days.date_day) over (
            partition by end_user_days.app_id, end_user_days.end_user_id order by end_user_days.date_day
        ) as previous_active_date
    from end_user_days
    left join seen_before
        on end_user_days.app_id = seen_before.app_id and end_user_days.end_user_id = seen_before.end_user_id
),

daily as (
    select
        date_day,
        count(*) as active_end_users,
        -- no earlier active day: the end user's first production request ever
        count(case when previous_active_date is null and not was_seen_before then 1 end) as new_end_users,
        count(case
            when previous_active_date >= {{ dbt.dateadd('day', -28, 'date_day') }} then 1
        end) as returning_end_users,
        {{ count_sum('production_requests') }} as end_user_requests
    from with_history
    where {{ on_days_to_rebuild('date_day') }}
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
