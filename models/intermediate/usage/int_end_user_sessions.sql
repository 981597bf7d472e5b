{#- Spark (plain Parquet: no row deletes) rebuilds the whole table: docs/spark.md says why. -#}
{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    incremental_strategy='replace_sessions',
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_request_days_to_rebuild') }}
-- One row per end-user session: a maximal run of one end user's (app_id,
-- end_user_id) production requests with no gap over var('session_gap_minutes')
-- between consecutive ones. Incremental: only the sessions that the days to
-- rebuild can touch are formed again (macros/sessions.sql says why that is exact).
with

requests as {{ inline_cte() }} (
    select
        request_id,
        requested_at,
        request_date,
        app_id,
        end_user_id,
        resource
    from {{ ref('int_requests_deduplicated') }}
    where
        environment = 'production'
        and end_user_id is not null
        and {{ sessions_request_dates_filter('request_date') }}
),

{% if is_incremental() %}
    -- the sessions this build replaces
    replaced_sessions as (
        select
            app_id,
            end_user_id,
            started_at,
            ended_at
        from {{ this }}
        where {{ touches_days_to_rebuild('started_at', 'ended_at') }}
    ),

    -- the requests near the days to rebuild, and those of the replaced sessions
    requests_to_sessionise as (
        select requests.*
        from requests
        where {{ touches_days_to_rebuild('requests.requested_at', 'requests.requested_at') }}
        union
        select requests.*
        from requests
        inner join replaced_sessions
            on
                requests.app_id = replaced_sessions.app_id
                and requests.end_user_id = replaced_sessions.end_user_id
                and requests.requested_at between replaced_sessions.started_at and replaced_sessions.ended_at
    ),
{% else %}
    requests_to_sessionise as (
        select * from requests
    ),
{% endif %}

with_previous as (
    select
        *,
        lag(requested_at) over (
            partition by app_id, end_user_id order by requested_at
        ) as previous_requested_at
    from requests_to_sessionise
),

-- a request more than the gap after the end user's previous one starts a session
numbered as (
    select
        *,
        sum(case
            when
                previous_requested_at is null
                or {{ microseconds_between('previous_requested_at', 'requested_at') }}
                > {{ var('session_gap_minutes') * 60000000 }}
                then 1
            else 0
        end) over (
            partition by app_id, end_user_id order by requested_at
            rows between unbounded preceding and current row
        ) as session_number
    from with_previous
),

sessions as (
    select
        app_id,
        end_user_id,
        min(requested_at) as started_at,
        max(requested_at) as ended_at,
        count(*) as requests,
        count(distinct resource) as distinct_resources,
        {{ sorted_distinct_text('resource') }} as resources
    from numbered
    group by app_id, end_user_id, session_number
),

final as (
    select
        app_id,
        end_user_id,
        started_at,
        ended_at,
        cast(started_at as date) as started_date,
        requests,
        cast({{ microseconds_between('started_at', 'ended_at') }} as double) / 60000000 as duration_minutes,
        distinct_resources,
        resources
    from sessions
)

select * from final
