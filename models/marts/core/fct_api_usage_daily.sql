-- Deduplicated API requests per day, application, environment, resource,
-- method and status class, up to as_of_date.
with

requests as (
    select * from {{ ref('stg_gateway__requests') }}
),

final as (
    select
        request_date as date_day,
        app_id,
        environment,
        resource,
        method,
        status_class,
        count(*) as requests,
        count(case when is_billable then 1 end) as billable_requests,
        count(case when is_success then 1 end) as successful_requests,
        sum(request_bytes) as request_bytes,
        sum(response_bytes) as response_bytes,
        {{ percentile('latency_ms', 0.5) }} as latency_p50_ms,
        {{ percentile('latency_ms', 0.95) }} as latency_p95_ms
    from requests
    group by request_date, app_id, environment, resource, method, status_class
)

select * from final
