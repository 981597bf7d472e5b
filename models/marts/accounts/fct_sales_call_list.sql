-- Who to call today: one row per account with a signal on as_of_date, ranked by
-- the money at stake (macros/signals.sql). An account's figure is that of its
-- signal with the most dollars (signals overlap: a bill shock and an expansion
-- count the same overage, so they are not added up); equal dollars go to the
-- more severe signal, then the weaker health, then the account id.
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
        {{ signal_severity() }} as signal_severity
    from signals
    inner join period on signals.detected_on = period.as_of_date
),

ranked_signals as (
    select
        *,
        row_number() over (
            partition by account_id order by money_at_stake_usd desc nulls last, signal_severity asc
        ) as signal_rank
    from today
),

accounts as (
    select
        account_id,
        {{ dbt.listagg('signal_type', "', '", 'order by signal_rank') }} as signal_types,
        count(*) as signals
    from ranked_signals
    group by account_id
),

final as (
    select
        cast(row_number() over (
            order by
                top.money_at_stake_usd desc nulls last,
                top.signal_severity asc,
                top.health_score asc nulls last,
                top.account_id asc
        ) as {{ dbt.type_bigint() }}) as priority_rank,
        top.account_id,
        top.detected_on as call_on,
        top.money_at_stake_usd,
        top.money_at_stake_reason,
        accounts.signal_types,
        accounts.signals,
        top.signal_type as top_signal,
        top.reason,
        top.recommended_action,
        top.plan_id,
        top.projected_bill_usd,
        top.previous_bill_usd,
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
