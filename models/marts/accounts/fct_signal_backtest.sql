-- Is the score worth trusting? For every past account-day with 30 observed
-- days after it, each predictor (a signal or a health band) against what it
-- predicts happening in those 30 days: precision (of the days it fired, the
-- share where the outcome followed), recall (of the days the outcome
-- followed, the share where it fired) and lift (precision / base rate). The
-- health_score row has the score's AUC instead: the chance that a day that
-- went dormant scores lower than one that did not (ties count half), from the
-- Mann-Whitney U statistic. Dormancy is predicted on days of accounts in
-- production (not onboarding) that are not already dormant.
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

-- the days on which going dormant is predicted
dormancy_days as (
    select * from days
    where not is_dormant and health_band <> 'onboarding'
),

predictions as (
    select
        'churn_risk' as predictor,
        'went_dormant' as outcome,
        churn_risk as predicted,
        went_dormant as happened
    from dormancy_days
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
        from dormancy_days
    {%- endfor %}
),

counts as (
    select
        predictor,
        outcome,
        count(*) as account_days_evaluated,
        count(case when predicted then 1 end) as predicted_days,
        count(case when happened then 1 end) as outcome_days,
        count(case when predicted and happened then 1 end) as true_positive_days
    from predictions
    group by predictor, outcome
),

rates as (
    select
        *,
        cast(true_positive_days as double) / nullif(predicted_days, 0) as precision,
        cast(true_positive_days as double) / nullif(outcome_days, 0) as recall,
        cast(outcome_days as double) / nullif(account_days_evaluated, 0) as base_rate
    from counts
),

-- Mann-Whitney over the distinct scores: each dormant day beats the days
-- that did not go dormant and score higher, and ties with half of those
-- scoring the same
scores as (
    select
        health_score,
        count(case when went_dormant then 1 end) as dormant_days,
        count(case when not went_dormant then 1 end) as other_days
    from dormancy_days
    group by health_score
),

scores_ranked as (
    select
        *,
        coalesce(sum(other_days) over (
            order by health_score desc rows between unbounded preceding and 1 preceding
        ), 0) as other_days_scoring_higher
    from scores
),

auc as (
    select
        'health_score' as predictor,
        'went_dormant' as outcome,
        sum(dormant_days + other_days) as account_days_evaluated,
        sum(dormant_days) as outcome_days,
        cast(sum(dormant_days) as double) / nullif(sum(dormant_days + other_days), 0) as base_rate,
        sum(dormant_days * (other_days_scoring_higher + 0.5 * other_days))
        / nullif(cast(sum(dormant_days) as double) * sum(other_days), 0) as auc
    from scores_ranked
),

final as (
    select
        predictor,
        outcome,
        account_days_evaluated,
        predicted_days,
        outcome_days,
        true_positive_days,
        precision,
        recall,
        base_rate,
        precision / nullif(base_rate, 0) as lift,
        cast(null as double) as auc
    from rates
    union all
    select
        predictor,
        outcome,
        cast(account_days_evaluated as bigint) as account_days_evaluated,
        cast(null as bigint) as predicted_days,
        cast(outcome_days as bigint) as outcome_days,
        cast(null as bigint) as true_positive_days,
        cast(null as double) as precision,
        cast(null as double) as recall,
        base_rate,
        cast(null as double) as lift,
        cast(auc as double) as auc
    from auc
)

select * from final
