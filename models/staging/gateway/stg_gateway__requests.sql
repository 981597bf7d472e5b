-- depends_on: {{ ref('api_resources') }}
-- One row per landed copy of an API request (log shipping is at-least-once:
-- int_requests_deduplicated keeps one copy per request_id), typed, in UTC,
-- with its API resource from seeds/api_resources.csv and the contract's
-- success and billing flags.
with

api_logs as (
    select * from {{ source('raw', 'api_logs') }}
),

final as (
    select
        request_id,
        {{ utc_timestamp('requested_at') }} as requested_at,
        cast({{ utc_timestamp('requested_at') }} as date) as request_date,
        app_id,
        environment,
        method,
        split_part(path, '?', 1) as path_without_query,
        {{ api_resource("split_part(path, '?', 1)") }} as resource,
        status_code,
        cast(floor(status_code / 100) as integer) || 'xx' as status_class,
        status_code between 200 and 399 as is_success,
        environment = 'production' and status_code < 500 as is_billable,
        latency_ms,
        coalesce(request_bytes, 0) as request_bytes,
        coalesce(response_bytes, 0) as response_bytes,
        end_user_id,
        _file as source_file,
        _row_number as source_row_number
    from api_logs
)

select * from final
