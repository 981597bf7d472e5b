{{ config(materialized='table') }}
-- The days the incremental account models recompute in this build, and how
-- far each model's windows carry a change. A day's own inputs changed when its
-- requests were rebuilt (int_request_days_to_rebuild) or it is new to the
-- account-day spine or gone from it (every day after the last request day this
-- build left untouched). A change of sign-ups, applications, tickets or
-- subscriptions since the last successful build can move any account-day
-- (an application changing hands re-attributes all its requests): then every
-- day is changed, as on a first or full build. Rows run from the first changed
-- day through the last, since running totals carry a change to the end:
-- - is_changed: the day's own inputs changed (daily aggregates);
-- - is_month_to_date_dirty: on or after a changed day of its month (month-to-date
--   sums: a change reaches the rest of its month);
-- - every row: on or after a changed day (running totals and trailing windows).
-- Seeds and vars are not tracked: after changing them, build with --full-refresh.
{%- set account_sources = ['signups', 'applications', 'support_tickets', 'subscriptions'] %}
with

{%- set watermark = request_watermark_relation() %}
changes as (
    select * from {{ ref('stg_loader__changed_days') }}
    {%- if watermark is not none and not flags.FULL_REFRESH %}
        where changed_at > (select max(watermark.processed_through) from {{ watermark }} as watermark)
    {%- endif %}
),

request_days as (
    select * from {{ ref('int_request_days_to_rebuild') }}
),

usage as (
    select * from {{ ref('int_api_usage_daily') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

-- days after the last request day left untouched may have joined or left the spine
tail_bounds as (
    select
        coalesce(
            {{ dbt.dateadd('day', 1, 'max(usage.date_day)') }},
            (select period.first_date from period)
        ) as first_day,
        greatest(
            (select period.as_of_date from period),
            (select max(request_days.date_day) from request_days)
        ) as last_day
    from usage
    where usage.date_day not in (select request_days.date_day from request_days)
),

-- (Spark's day sequences refuse an empty range)
tail_range as (
    select * from tail_bounds
    where first_day <= last_day
),

tail_days as (
    {{ days_between('tail_range', 'first_day', 'last_day') }}
),

changed_days as (
    select request_days.date_day from request_days
    union
    select cast(tail_days.date_day as date) from tail_days
    {%- if watermark is none or flags.FULL_REFRESH %}
        union
        select calendar.date_day from calendar
    {%- else %}
        union
        select calendar.date_day from calendar
        where exists (
            select 1 from changes
            where changes.source in ('{{ account_sources | join("', '") }}')
        )
    {%- endif %}
),

bounds as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from changed_days
),

carried as (
    {{ days_between('bounds', 'first_day', 'last_day') }}
),

-- the first changed day of each month with one
month_first_changes as (
    select
        {{ dbt.date_trunc('month', 'date_day') }} as month_start,
        min(date_day) as first_changed_day
    from changed_days
    group by {{ dbt.date_trunc('month', 'date_day') }}
),

final as (
    select
        cast(carried.date_day as date) as date_day,
        changed_days.date_day is not null as is_changed,
        coalesce(cast(carried.date_day as date) >= month_first_changes.first_changed_day, false)
            as is_month_to_date_dirty,
        (select max(changes.changed_at) from changes) as changes_through
    from carried
    left join changed_days on cast(carried.date_day as date) = changed_days.date_day
    left join month_first_changes
        on {{ dbt.date_trunc('month', 'carried.date_day') }} = month_first_changes.month_start
)

select * from final
