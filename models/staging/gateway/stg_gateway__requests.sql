{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='request_date',
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('stg_loader__request_days_to_rebuild') }}
-- depends_on: {{ ref('api_resources') }}
-- One row per request: log shipping is at-least-once, so a repeated request_id
-- is one request; the earliest copy wins, then the first file by relative path
-- in byte order, then the first row. Incremental: only the days to rebuild are
-- recomputed, from every copy of the requests seen on them.
with

api_logs as {{ inline_cte() }} (
    select
        *,
        cast({{ utc_timestamp('requested_at') }} as date) as landed_date
    from {{ source('raw', 'api_logs') }}
),

-- every copy of the requests that have a copy on a day to rebuild
copies as (
    select *
    from api_logs
    where {{ on_days_to_rebuild('landed_date', key='request_id', relation='api_logs') }}
),

-- most requests arrive once: only the repeated ones need ranking, which sorts
repeated_ids as (
    select request_id
    from copies
    group by request_id
    having count(*) > 1
),

ranked as (
    select
        *,
        1 as copy_rank
    from copies
    where
        not exists (
            select 1 from repeated_ids
            where repeated_ids.request_id = copies.request_id
        )
    union all
    select
        *,
        {{ first_copy_rank('request_id', 'requested_at') }} as copy_rank
    from copies
    where exists (
        select 1 from repeated_ids
        where repeated_ids.request_id = copies.request_id
    )
),

deduplicated as (
    select
        request_id,
        {{ utc_timestamp('requested_at') }} as requested_at,
        landed_date as request_date,
        app_id,
        environment,
        method,
        split_part(path, '?', 1) as path_without_query,
        status_code,
        latency_ms,
        coalesce(request_bytes, 0) as request_bytes,
        coalesce(response_bytes, 0) as response_bytes,
        end_user_id,
        _file as source_file
    from ranked
    where copy_rank = 1
),

final as (
    select
        request_id,
        requested_at,
        request_date,
        app_id,
        environment,
        method,
        path_without_query,
        {{ api_resource('path_without_query') }} as resource,
        status_code,
        cast(floor(status_code / 100) as integer) || 'xx' as status_class,
        status_code between 200 and 399 as is_success,
        environment = 'production' and status_code < 500 as is_billable,
        latency_ms,
        request_bytes,
        response_bytes,
        end_user_id,
        source_file
    from deduplicated
    where {{ on_days_to_rebuild('request_date') }}
)

select * from final
