-- Layer 3, sandbox activity: sandbox requests (any status) and who made them.
-- A request counts for a developer through the application's owner; requests of
-- unknown applications count in the totals but under no developer.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

usage as (
    select * from {{ ref('fct_api_usage_daily') }}
    where environment = 'sandbox'
),

applications as (
    select * from {{ ref('dim_applications') }}
),

daily as (
    select
        usage.date_day,
        {{ count_sum('usage.requests') }} as sandbox_requests,
        count(distinct usage.app_id) as sandbox_active_applications,
        count(distinct applications.developer_id) as sandbox_active_developers
    from usage
    left join applications on usage.app_id = applications.app_id
    group by usage.date_day
),

final as (
    select
        calendar.date_day,
        coalesce(daily.sandbox_requests, 0) as sandbox_requests,
        coalesce(daily.sandbox_active_applications, 0) as sandbox_active_applications,
        coalesce(daily.sandbox_active_developers, 0) as sandbox_active_developers
    from calendar
    left join daily on calendar.date_day = daily.date_day
)

select * from final
