{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_request_days_to_rebuild') }}
-- Deduplicated API requests per day, application, environment, resource,
-- method and status class: the aggregate every usage mart starts from.
-- Incremental: only the days to rebuild are recomputed. Latency percentiles
-- are exact, from a window sort (see macros/percentiles.sql).
with

requests as (
    select * from {{ ref('int_requests_deduplicated') }}
    where {{ on_days_to_rebuild('request_date') }}
),

ranked as (
    select
        *,
        {{ rank_within_group(
            'latency_ms',
            'request_date, app_id, environment, resource, method, status_class',
        ) }}
    from requests
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
        {{ percentile_of_ranked('latency_ms', 0.5) }} as latency_p50_ms,
        {{ percentile_of_ranked('latency_ms', 0.95) }} as latency_p95_ms,
        min(requested_at) as first_requested_at,
        min(case when is_success then requested_at end) as first_successful_at,
        max(requested_at) as last_requested_at
    from ranked
    group by request_date, app_id, environment, resource, method, status_class
)

select * from final
