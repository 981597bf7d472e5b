-- Who to call today: one row per account with a signal on as_of_date, ranked.
-- Priority: projected overage revenue first (money on the table, and the
-- customer most likely to be surprised), then usage growth (usage_trend), then
-- the weakest health. Signals are listed most urgent first.
with

signals as (
    select * from {{ ref('fct_sales_signals') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

forecasts as (
    select * from {{ ref('fct_account_quota_forecast') }}
),

today as (
    select
        signals.*,
        case signals.signal_type
            when 'bill_shock_risk' then 1
            when 'churn_risk' then 2
            when 'expansion_ready' then 3
            when 'support_risk' then 4
            when 'activation_stalled' then 5
        end as signal_urgency
    from signals
    inner join period on signals.detected_on = period.as_of_date
),

ranked_signals as (
    select
        *,
        row_number() over (partition by account_id order by signal_urgency) as signal_rank
    from today
),

accounts as (
    select
        account_id,
        {{ dbt.listagg('signal_type', "', '", 'order by signal_urgency') }} as signal_types,
        count(*) as signals
    from today
    group by account_id
),

final as (
    select
        row_number() over (
            order by
                greatest(coalesce(top.projected_bill_usd - top.monthly_fee_usd, 0), 0) desc,
                coalesce(top.usage_trend, 0) desc,
                top.health_score asc,
                top.account_id asc
        ) as priority_rank,
        top.account_id,
        top.detected_on as call_on,
        accounts.signal_types,
        accounts.signals,
        top.signal_type as top_signal,
        top.reason,
        top.recommended_action,
        top.plan_id,
        top.projected_bill_usd,
        top.previous_bill_usd,
        {{ money('greatest(coalesce(top.projected_bill_usd - top.monthly_fee_usd, 0), 0)') }}
            as projected_overage_usd,
        top.usage_trend,
        top.health_score,
        top.health_band,
        forecasts.forecast_exhausted_on
    from ranked_signals as top
    inner join accounts on top.account_id = accounts.account_id
    left join forecasts on top.account_id = forecasts.account_id
    where top.signal_rank = 1
)

select * from final
