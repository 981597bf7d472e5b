{{ config(materialized='view') }}
-- One row per end-user session (docs/analyst_guide.md, "End-user sessions"),
-- with the account of its application once the application is registered
-- (sessions are formed incrementally in int_end_user_sessions).
with

sessions as (
    select * from {{ ref('int_end_user_sessions') }}
),

applications as (
    select * from {{ ref('int_applications') }}
),

final as (
    select
        sessions.app_id,
        sessions.end_user_id,
        applications.account_id,
        sessions.started_at,
        sessions.ended_at,
        sessions.started_date,
        sessions.requests,
        sessions.duration_minutes,
        sessions.distinct_resources,
        sessions.resources
    from sessions
    left join applications on sessions.app_id = applications.app_id
)

select * from final
