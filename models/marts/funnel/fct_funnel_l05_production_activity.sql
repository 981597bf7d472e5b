-- Layer 5, production activity: production requests (any status), who made
-- them, and the share that succeeded (status 200-399; null with no requests).
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

usage as (
    select * from {{ ref('fct_api_usage_daily') }}
    where environment = 'production'
),

applications as (
    select * from {{ ref('dim_applications') }}
),

daily as (
    select
        usage.date_day,
        {{ count_sum('usage.requests') }} as production_requests,
        {{ count_sum('usage.successful_requests') }} as successful_requests,
        count(distinct usage.app_id) as production_active_applications,
        count(distinct applications.account_id) as production_active_accounts
    from usage
    left join applications on usage.app_id = applications.app_id
    group by usage.date_day
),

final as (
    select
        calendar.date_day,
        coalesce(daily.production_requests, 0) as production_requests,
        coalesce(daily.production_active_applications, 0) as production_active_applications,
        coalesce(daily.production_active_accounts, 0) as production_active_accounts,
        cast(daily.successful_requests as double)
        / nullif(daily.production_requests, 0) as production_success_rate
    from calendar
    left join daily on calendar.date_day = daily.date_day
)

select * from final
