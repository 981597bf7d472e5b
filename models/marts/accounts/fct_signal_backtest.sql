-- Is the score worth trusting? For every past account-day with 30 observed
-- days after it, each predictor (a signal or a health band) against what it
-- predicts happening in those 30 days: precision (of the days it fired, the
-- share where the outcome followed) and recall (of the days the outcome
-- followed, the share where it fired).
with

outcomes as (
    select * from {{ ref('int_account_outcomes_daily') }}
),

signals as (
    select * from {{ ref('fct_sales_signals') }}
),

days as (
    select
        outcomes.*,
        exists(
            select 1 from signals
            where
                signals.account_id = outcomes.account_id
                and signals.detected_on = outcomes.date_day and signals.signal_type = 'churn_risk'
        ) as churn_risk,
        exists(
            select 1 from signals
            where
                signals.account_id = outcomes.account_id
                and signals.detected_on = outcomes.date_day and signals.signal_type = 'expansion_ready'
        ) as expansion_ready
    from outcomes
),

predictions as (
    select
        'churn_risk' as predictor,
        'went_dormant' as outcome,
        churn_risk as predicted,
        went_dormant as happened
    from days
    where not is_dormant
    union all
    select
        'expansion_ready' as predictor,
        'exceeded_quota_or_upgraded' as outcome,
        expansion_ready as predicted,
        exceeded_quota or upgraded as happened
    from days
    {%- for band in ['critical', 'at_risk', 'healthy'] %}
        union all
        select
            'health_band = {{ band }}' as predictor,
            'went_dormant' as outcome,
            health_band = '{{ band }}' as predicted,
            went_dormant as happened
        from days
        where not is_dormant
    {%- endfor %}
),

final as (
    select
        predictor,
        outcome,
        count(*) as account_days_evaluated,
        count(case when predicted then 1 end) as predicted_days,
        count(case when happened then 1 end) as outcome_days,
        count(case when predicted and happened then 1 end) as true_positive_days,
        cast(count(case when predicted and happened then 1 end) as double)
        / nullif(count(case when predicted then 1 end), 0) as precision,
        cast(count(case when predicted and happened then 1 end) as double)
        / nullif(count(case when happened then 1 end), 0) as recall,
        cast(count(case when happened then 1 end) as double) / nullif(count(*), 0) as base_rate
    from predictions
    group by predictor, outcome
)

select * from final
