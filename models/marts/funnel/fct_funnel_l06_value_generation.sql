-- Layer 6, value generation: production requests by method (any status).
-- Data in is POST + PUT + PATCH; data out is GET.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

usage as (
    select * from {{ ref('fct_api_usage_daily') }}
    where environment = 'production'
),

daily as (
    select
        date_day,
        {{ count_sum("case when method = 'GET' then requests else 0 end") }} as get_requests,
        {{ count_sum("case when method = 'POST' then requests else 0 end") }} as post_requests,
        {{ count_sum("case when method = 'PUT' then requests else 0 end") }} as put_requests,
        {{ count_sum("case when method = 'PATCH' then requests else 0 end") }} as patch_requests,
        {{ count_sum("case when method = 'DELETE' then requests else 0 end") }} as delete_requests
    from usage
    group by date_day
),

final as (
    select
        calendar.date_day,
        coalesce(daily.get_requests, 0) as get_requests,
        coalesce(daily.post_requests, 0) as post_requests,
        coalesce(daily.put_requests, 0) as put_requests,
        coalesce(daily.patch_requests, 0) as patch_requests,
        coalesce(daily.delete_requests, 0) as delete_requests,
        coalesce(daily.post_requests + daily.put_requests + daily.patch_requests, 0)
            as value_in_requests,
        coalesce(daily.get_requests, 0) as value_out_requests
    from calendar
    left join daily on calendar.date_day = daily.date_day
)

select * from final
