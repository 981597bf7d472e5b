{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    days_to_rebuild='int_account_days_to_rebuild',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_account_days_to_rebuild') }}
-- A table: the health scores, lifecycle, signals and the health mart all read it.
-- Incremental: running totals carry a change to every later day, so every day
-- from the first changed one is recomputed (int_account_days_to_rebuild); the
-- 28-day distinct counts read only the days their windows reach.
-- Per account and day, every day from the account's first sign-up through
-- as_of_date: the health components (docs/metrics.md, "Account health and sales
-- signals"; windows end on and include date_day), and the running totals the
-- lifecycle stage needs.
{%- set urgent_hours = var('signal_thresholds')['support_urgent_open_hours'] %}
with

usage as (
    select * from {{ ref('int_account_usage_daily') }}
),

account_days as (
    select * from {{ ref('int_account_days') }}
    where {{ on_days_to_rebuild('date_day') }}
),

api_usage as (
    select * from {{ ref('int_api_usage_daily') }}
),

applications as (
    select * from {{ ref('int_applications') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

open_tickets as (
    select * from {{ ref('int_tickets_open_daily') }}
),

plan_periods as (
    select * from {{ ref('int_account_plan_periods') }}
),

-- who did what on each day, for the 28-day distinct counts
active_pairs as (
    select distinct
        applications.account_id,
        api_usage.date_day,
        api_usage.environment,
        api_usage.resource,
        applications.developer_id
    from api_usage
    inner join applications on api_usage.app_id = applications.app_id
    where
        applications.account_id is not null
        and {{ since_days_to_rebuild('api_usage.date_day', dbt.dateadd('day', -27, 'first_day')) }}
),

window_28d as (
    select
        account_days.account_id,
        account_days.date_day,
        count(distinct case when active_pairs.environment = 'production' then active_pairs.resource end)
            as distinct_resources_28d,
        count(distinct active_pairs.developer_id) as active_developers_28d
    from account_days
    inner join active_pairs
        on
            account_days.account_id = active_pairs.account_id
            and account_days.date_day >= active_pairs.date_day
            and active_pairs.date_day > {{ dbt.dateadd('day', -28, 'account_days.date_day') }}
    group by account_days.account_id, account_days.date_day
),

tickets_opened as (
    select
        account_id,
        cast(created_at as date) as date_day,
        count(*) as tickets_opened,
        count(case when satisfaction = 'bad' then 1 end) as bad_satisfaction_opened
    from tickets
    group by account_id, cast(created_at as date)
),

open_at_day_end as (
    select
        account_id,
        date_day,
        count(*) as open_tickets,
        count(case when priority = 'urgent' then 1 end) as urgent_open_tickets,
        -- urgent, created more than 24 hours before the end of the day, still open
        count(case
            when
                priority = 'urgent'
                and created_at < {{ dbt.dateadd('hour', 24 - urgent_hours, 'date_day') }}
                then 1
        end) as urgent_tickets_open_over_24h
    from open_tickets
    group by account_id, date_day
),

upgrades as (
    select distinct
        account_id,
        cast(valid_from as date) as upgraded_on
    from plan_periods
    where is_upgrade
),

daily as (
    select
        usage.*,
        coalesce(tickets_opened.tickets_opened, 0) as tickets_opened,
        coalesce(tickets_opened.bad_satisfaction_opened, 0) as bad_satisfaction_opened,
        coalesce(open_at_day_end.open_tickets, 0) as open_tickets,
        coalesce(open_at_day_end.urgent_open_tickets, 0) as urgent_open_tickets,
        coalesce(open_at_day_end.urgent_tickets_open_over_24h, 0) as urgent_tickets_open_over_24h,
        coalesce(window_28d.distinct_resources_28d, 0) as distinct_resources_28d,
        coalesce(window_28d.active_developers_28d, 0) as active_developers_28d,
        upgrades.upgraded_on is not null as upgraded_today
    from usage
    left join tickets_opened
        on usage.account_id = tickets_opened.account_id and usage.date_day = tickets_opened.date_day
    left join open_at_day_end
        on usage.account_id = open_at_day_end.account_id and usage.date_day = open_at_day_end.date_day
    left join window_28d
        on usage.account_id = window_28d.account_id and usage.date_day = window_28d.date_day
    left join upgrades
        on usage.account_id = upgrades.account_id and usage.date_day = upgrades.upgraded_on
),

-- the spine is dense (a row per day), so row frames are day windows (written out in each
-- window: Spark cannot add a frame to a named window)
{%- set by_account_day = 'partition by account_id order by date_day' %}
rolling as (
    select
        *,
        {{ count_sum('production_requests', by_account_day ~ ' rows between 6 preceding and current row') }}
            as production_requests_7d,
        {{ count_sum('production_requests', by_account_day ~ ' rows between 34 preceding and 7 preceding') }}
        / cast(4 as double) as production_requests_prev_28d_weekly_avg,
        {{ count_sum('production_error_requests', by_account_day ~ ' rows between 6 preceding and current row') }}
            as production_error_requests_7d,
        {{ count_sum('tickets_opened', by_account_day ~ ' rows between 6 preceding and current row') }}
            as tickets_opened_7d,
        {{ count_sum('tickets_opened', by_account_day ~ ' rows between 27 preceding and current row') }}
            as tickets_opened_28d,
        {{ count_sum('bad_satisfaction_opened', by_account_day ~ ' rows between 27 preceding and current row') }}
            as bad_satisfaction_28d,
        {{ count_sum('billable_requests', by_account_day ~ ' rows between 29 preceding and current row') }}
            as billable_requests_30d,
        {{ count_sum('billable_requests', by_account_day ~ ' rows between 59 preceding and 30 preceding') }}
            as billable_requests_prev_30d,
        max(case when production_requests > 0 then date_day end)
            over ({{ by_account_day }} rows between unbounded preceding and current row)
            as last_production_date,
        {{ count_sum('successful_requests', by_account_day ~ ' rows between unbounded preceding and current row') }}
            as successful_requests_to_date,
        {{ count_sum('billable_requests', by_account_day ~ ' rows between unbounded preceding and current row') }}
            as billable_requests_to_date,
        max(case when upgraded_today then 1 else 0 end)
            over ({{ by_account_day }} rows between 29 preceding and current row)
        = 1 as upgraded_in_30d
    from daily
),

components as (
    select
        *,
        cast(production_requests_7d as double)
        / nullif(production_requests_prev_28d_weekly_avg, 0) as usage_trend,
        cast(production_error_requests_7d as double)
        / nullif(production_requests_7d, 0) as error_rate_7d,
        {{ day_difference('last_production_date', 'date_day') }}
            as days_since_last_production_request
    from rolling
),

final as (
    select
        account_id,
        date_day,
        production_requests_7d,
        production_requests_prev_28d_weekly_avg,
        usage_trend,
        error_rate_7d,
        days_since_last_production_request,
        distinct_resources_28d,
        active_developers_28d,
        open_tickets,
        urgent_open_tickets,
        urgent_tickets_open_over_24h,
        tickets_opened_7d,
        tickets_opened_28d,
        bad_satisfaction_28d,
        successful_requests_to_date,
        billable_requests_to_date,
        upgraded_today,
        upgraded_in_30d,
        billable_requests_30d,
        billable_requests_prev_30d
    from components
    where {{ on_days_to_rebuild('date_day') }}
)

select * from final
