-- Per account and day: each health component's score (0-1) and points
-- (weight x score, DOUBLE like every score), the health_score (0-100) and its band. Weights, targets
-- and bands are the health_weights, health_targets and health_bands vars.
-- An account with no production request yet is onboarding: it has no score
-- (its components measure production use) and its band is 'onboarding', so
-- accounts still getting started do not read as critical customers.
{%- set weights = var('health_weights') %}
{%- set targets = var('health_targets') %}
{%- set bands = var('health_bands') %}
with

components as (
    select * from {{ ref('int_account_health_components') }}
),

scores as (
    select
        account_id,
        date_day,
        days_since_last_production_request is null as is_onboarding,
        case
            when production_requests_7d = 0 then 0.0
            when usage_trend is null then 1.0  -- new production usage
            else least(usage_trend, 1.0)
        end as usage_trend_score,
        case
            when days_since_last_production_request is null then 0.0
            else greatest(0.0, 1.0 - days_since_last_production_request / {{ targets['recency_days'] }}.0)
        end as recency_score,
        case
            when error_rate_7d is null then 0.0
            else greatest(0.0, 1.0 - error_rate_7d / {{ targets['error_rate'] }})
        end as reliability_score,
        least(distinct_resources_28d / {{ targets['resources'] }}.0, 1.0) as breadth_score,
        least(active_developers_28d / {{ targets['developers'] }}.0, 1.0) as team_score,
        greatest(
            0.0, 1.0
            - open_tickets * {{ targets['open_ticket_penalty'] }}
            - urgent_open_tickets * {{ targets['urgent_ticket_penalty'] }}
            - bad_satisfaction_28d * {{ targets['bad_satisfaction_penalty'] }}
        ) as support_score
    from components
),

points as (
    select
        account_id,
        date_day,
        is_onboarding,
        {{ weights['usage_trend'] }} * usage_trend_score as usage_trend_points,
        {{ weights['recency'] }} * recency_score as recency_points,
        {{ weights['reliability'] }} * reliability_score as reliability_points,
        {{ weights['breadth'] }} * breadth_score as breadth_points,
        {{ weights['team'] }} * team_score as team_points,
        {{ weights['support'] }} * support_score as support_points
    from scores
),

score as (
    select
        account_id,
        date_day,
        is_onboarding,
        cast(round(usage_trend_points, 1) as double) as usage_trend_points,
        cast(round(recency_points, 1) as double) as recency_points,
        cast(round(reliability_points, 1) as double) as reliability_points,
        cast(round(breadth_points, 1) as double) as breadth_points,
        cast(round(team_points, 1) as double) as team_points,
        cast(round(support_points, 1) as double) as support_points,
        case
            when not is_onboarding
                then cast(round(
                    usage_trend_points + recency_points + reliability_points
                    + breadth_points + team_points + support_points, 1
                ) as double)
        end as health_score
    from points
),

final as (
    select
        account_id,
        date_day,
        usage_trend_points,
        recency_points,
        reliability_points,
        breadth_points,
        team_points,
        support_points,
        health_score,
        case
            when is_onboarding then 'onboarding'
            when health_score >= {{ bands['healthy'] }} then 'healthy'
            when health_score >= {{ bands['at_risk'] }} then 'at_risk'
            else 'critical'
        end as health_band
    from score
)

select * from final
