{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_request_days_to_rebuild') }}
-- One row per end user (the pair app_id, end_user_id) and day with a
-- production request (any status). Incremental by day.
with

requests as (
    select * from {{ ref('int_requests_deduplicated') }}
    where
        environment = 'production'
        and end_user_id is not null
        and {{ on_days_to_rebuild('request_date') }}
),

final as (
    select
        request_date as date_day,
        app_id,
        end_user_id,
        count(*) as production_requests,
        count(case when is_billable then 1 end) as billable_requests
    from requests
    group by request_date, app_id, end_user_id
)

select * from final
