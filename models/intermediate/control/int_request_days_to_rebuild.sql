{{ config(materialized='table') }}
-- The request days an incremental build must recompute: the days that loads
-- since the last successful build added or removed api_logs rows on, plus every
-- day holding another copy of a request seen on those days (a new, earlier
-- copy can move a request to another day). On a first or full build: every day.
-- A backfill adds the days rebuild_from through rebuild_to (vars).
with

{%- set watermark = request_watermark_relation() %}
changed_days as (
    select * from {{ ref('stg_loader__changed_days') }}
    where source = 'api_logs'
    {%- if watermark is not none and not flags.FULL_REFRESH %}
        and changed_at > (select max(watermark.processed_through) from {{ watermark }} as watermark)
    {%- endif %}
),

request_copies as (
    select
        request_id,
        request_date as date_day
    from {{ ref('stg_gateway__requests') }}
),

requested_days as (
    {%- if var('rebuild_from', none) and var('rebuild_to', none) %}
        select distinct request_copies.date_day
        from request_copies
        where request_copies.date_day between '{{ var("rebuild_from") }}' and '{{ var("rebuild_to") }}'
    {%- else %}
        select cast(null as date) as date_day
        where false
    {%- endif %}
),

touched_days as (
    select changed_days.date_day from changed_days
    union
    select requested_days.date_day from requested_days
),

days as (
    select touched_days.date_day from touched_days
    union
    {%- if watermark is none or flags.FULL_REFRESH %}
        -- a first or full build rebuilds every day: no requests to follow around
        select request_copies.date_day from request_copies
    {%- else %}
        select request_copies.date_day
        from request_copies
        inner join (
            select distinct touched.request_id
            from request_copies as touched
            inner join touched_days on touched.date_day = touched_days.date_day
        ) as touched_requests on request_copies.request_id = touched_requests.request_id
    {%- endif %}
),

final as (
    select
        date_day,
        (select max(changed_days.changed_at) from changed_days) as changes_through
    from days
)

select * from final
