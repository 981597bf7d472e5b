{{ config(materialized='view') }}
-- Deduplicated API requests per day, application, environment, resource,
-- method and status class (built incrementally in int_api_usage_daily).
with

usage as (
    select * from {{ ref('int_api_usage_daily') }}
),

final as (
    select * from usage
)

select * from final
