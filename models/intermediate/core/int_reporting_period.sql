{{ config(materialized='table') }}
-- A table, not a view: several models and tests read it, so it is computed once.
-- The data's "today" and where daily marts start: one row.
-- as_of_date is the last day with any API request; daily marts run from the
-- first day with any sign-up, request or community event.
with

requests as (
    select * from {{ ref('int_requests_deduplicated') }}
),

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

community_events as (
    select * from {{ ref('stg_community__events') }}
),

first_days as (
    select min(request_date) as first_date from requests
    union all
    select min(cast(signed_up_at as date)) from developers
    union all
    select min(cast(occurred_at as date)) from community_events
),

final as (
    select
        (select min(first_date) from first_days) as first_date,
        (select max(request_date) from requests) as as_of_date
)

select * from final
