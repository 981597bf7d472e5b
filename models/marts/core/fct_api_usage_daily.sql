{{ config(materialized='view') }}
-- Deduplicated API requests per day, application, environment, resource,
-- method and status class (built incrementally in int_api_usage_daily).
with

usage as (
    select * from {{ ref('int_api_usage_daily') }}
),

final as (
    select
        date_day,
        app_id,
        environment,
        resource,
        method,
        status_class,
        requests,
        billable_requests,
        successful_requests,
        -- summed in the incremental model, whose stored types stay as they are
        cast(request_bytes as {{ dbt.type_bigint() }}) as request_bytes,
        cast(response_bytes as {{ dbt.type_bigint() }}) as response_bytes,
        latency_p50_ms,
        latency_p95_ms,
        first_requested_at,
        first_successful_at,
        last_requested_at
    from usage
)

select * from final
