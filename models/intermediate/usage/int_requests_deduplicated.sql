{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='request_date',
    partition_by=day_partitions('request_date'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_request_days_to_rebuild') }}
-- One row per request: log shipping is at-least-once, so a repeated request_id
-- is one request; the earliest copy wins, then the first file by relative path
-- in byte order, then the first row. Incremental: only the days to rebuild are
-- recomputed, from every copy of the requests seen on them.
with

request_copies as {{ inline_cte() }} (
    select * from {{ ref('stg_gateway__requests') }}
),

-- every copy of the requests that have a copy on a day to rebuild
copies as (
    select *
    from request_copies
    where {{ on_days_to_rebuild('request_date', key='request_id', relation='request_copies') }}
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
        {{ first_copy_rank('request_id', 'requested_at', 'source_file', 'source_row_number') }} as copy_rank
    from copies
    where exists (
        select 1 from repeated_ids
        where repeated_ids.request_id = copies.request_id
    )
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
        resource,
        status_code,
        status_class,
        is_success,
        is_billable,
        latency_ms,
        request_bytes,
        response_bytes,
        end_user_id,
        source_file
    from ranked
    where copy_rank = 1 and {{ on_days_to_rebuild('request_date') }}
)

select * from final
