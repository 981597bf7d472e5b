-- Per account and day that has 30 observed days after it: the health score and
-- band, whether the account was dormant on the day, and what happened in the
-- following 30 days (d+1 through d+30): went_dormant when, on one of them, the
-- account reached 30 days without a production request. fct_signal_backtest
-- sets the signals beside it.
with

scores as (
    select * from {{ ref('int_account_health_scores') }}
),

components as (
    select * from {{ ref('int_account_health_components') }}
),

lifecycle as (
    select * from {{ ref('int_account_lifecycle_daily') }}
),

billing as (
    select * from {{ ref('int_account_billing_daily') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

flags as (
    select
        scores.account_id,
        scores.date_day,
        scores.health_score,
        scores.health_band,
        lifecycle.lifecycle_stage = 'dormant' as is_dormant,
        coalesce(
            billing.included_quantity > 0
            and billing.quantity_to_date > billing.included_quantity, false
        ) as is_over_quota,
        components.upgraded_today
    from scores
    inner join components
        on scores.account_id = components.account_id and scores.date_day = components.date_day
    inner join lifecycle
        on scores.account_id = lifecycle.account_id and scores.date_day = lifecycle.date_day
    inner join billing
        on scores.account_id = billing.account_id and scores.date_day = billing.date_day
),

-- the spine is dense: rows 1 to 30 following are the next 30 days
outcomes as (
    select
        *,
        max(case when is_dormant then 1 else 0 end) over next_30_days = 1 as dormant_within_30d,
        max(case when is_over_quota then 1 else 0 end) over next_30_days = 1
            as exceeded_quota_within_30d,
        max(case when upgraded_today then 1 else 0 end) over next_30_days = 1
            as upgraded_within_30d
    from flags
    window next_30_days as (
        partition by account_id order by date_day rows between 1 following and 30 following
    )
),

final as (
    select
        outcomes.account_id,
        outcomes.date_day,
        outcomes.health_score,
        outcomes.health_band,
        outcomes.is_dormant,
        not outcomes.is_dormant and outcomes.dormant_within_30d as went_dormant,
        outcomes.exceeded_quota_within_30d as exceeded_quota,
        outcomes.upgraded_within_30d as upgraded
    from outcomes
    cross join period
    where outcomes.date_day <= {{ dbt.dateadd('day', -30, 'period.as_of_date') }}
)

select * from final
