{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    days_to_rebuild='int_account_days_to_rebuild',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_account_days_to_rebuild') }}
-- Per account and day, every day from the account's first sign-up through
-- as_of_date: the health components (docs/metrics.md, "Account health and sales
-- signals"), each component's points, the score, band and lifecycle stage.
-- Incremental, on the days int_account_health_components rebuilds.
with

components as (
    select * from {{ ref('int_account_health_components') }}
    where {{ on_days_to_rebuild('date_day') }}
),

scores as (
    select * from {{ ref('int_account_health_scores') }}
    where {{ on_days_to_rebuild('date_day') }}
),

lifecycle as (
    select * from {{ ref('int_account_lifecycle_daily') }}
    where {{ on_days_to_rebuild('date_day') }}
),

final as (
    select
        components.account_id,
        components.date_day,
        components.production_requests_7d,
        components.production_requests_prev_28d_weekly_avg,
        components.usage_trend,
        components.error_rate_7d,
        components.days_since_last_production_request,
        components.distinct_resources_28d,
        components.active_developers_28d,
        components.open_tickets,
        components.urgent_open_tickets,
        components.urgent_tickets_open_over_24h,
        components.tickets_opened_7d,
        components.tickets_opened_28d,
        components.bad_satisfaction_28d,
        scores.usage_trend_points,
        scores.recency_points,
        scores.reliability_points,
        scores.breadth_points,
        scores.team_points,
        scores.support_points,
        scores.health_score,
        scores.health_band,
        lifecycle.lifecycle_stage,
        components.successful_requests_to_date,
        components.upgraded_today,
        components.billable_requests_30d,
        components.billable_requests_prev_30d
    from components
    inner join scores
        on components.account_id = scores.account_id and components.date_day = scores.date_day
    inner join lifecycle
        on components.account_id = lifecycle.account_id and components.date_day = lifecycle.date_day
)

select * from final
