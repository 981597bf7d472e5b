-- Per account and day that has 30 observed days after it: what the health band
-- and the churn_risk / expansion_ready signals said on the day, and what
-- happened in the following 30 days (d+1 through d+30).
with

health as (
    select * from {{ ref('fct_account_health_daily') }}
),

signals as (
    select * from {{ ref('fct_sales_signals') }}
),

billing as (
    select * from {{ ref('int_account_billing_daily') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

flags as (
    select
        health.account_id,
        health.date_day,
        health.health_band,
        health.lifecycle_stage = 'dormant' as is_dormant,
        coalesce(
            billing.included_quantity > 0
            and billing.quantity_to_date > billing.included_quantity, false
        ) as is_over_quota,
        health.upgraded_today,
        exists(
            select 1 from signals
            where
                signals.account_id = health.account_id
                and signals.detected_on = health.date_day and signals.signal_type = 'churn_risk'
        ) as churn_risk,
        exists(
            select 1 from signals
            where
                signals.account_id = health.account_id
                and signals.detected_on = health.date_day and signals.signal_type = 'expansion_ready'
        ) as expansion_ready
    from health
    inner join billing
        on health.account_id = billing.account_id and health.date_day = billing.date_day
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
        outcomes.health_band,
        outcomes.churn_risk,
        outcomes.expansion_ready,
        outcomes.is_dormant,
        not outcomes.is_dormant and outcomes.dormant_within_30d as went_dormant,
        outcomes.exceeded_quota_within_30d as exceeded_quota,
        outcomes.upgraded_within_30d as upgraded
    from outcomes
    cross join period
    where outcomes.date_day <= {{ dbt.dateadd('day', -30, 'period.as_of_date') }}
)

select * from final
