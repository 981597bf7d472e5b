-- One row per account, signal and day on which the signal's condition holds
-- (detected_on), evaluated at the end of that day with data through that day,
-- so past days can be backtested. Thresholds are the signal_thresholds var;
-- the money at stake is the rule of macros/signals.sql.
{%- set t = var('signal_thresholds') %}
with

inputs as (
    select * from {{ ref('int_account_signal_inputs') }}
),

expansion_ready as (
    select
        *,
        'expansion_ready' as signal_type,
        projected_quantity / included_quantity as signal_value,
        case
            when is_hard_capped then {{ t['expansion_ready_share_hard_capped'] }}
            else {{ t['expansion_ready_share'] }}
        end as signal_threshold,
        'Projected ' || {{ format_number('projected_quantity', 0) }} || ' '
        || replace(value_metric, '_', ' ') || ' this month is '
        || {{ format_number('100 * projected_quantity / included_quantity', 0) }}
        || '% of the ' || {{ format_number('included_quantity', 0) }} || ' included in the '
        || plan_id || ' plan' || case when is_hard_capped then ', which is hard-capped' else '' end
        || '.' as reason,
        case
            when is_hard_capped then 'Call before the cap blocks them: offer a paid plan.'
            else 'Call to offer the next plan or a committed-use discount before overage builds up.'
        end as recommended_action
    from inputs
    where
        included_quantity > 0
        and projected_quantity >= included_quantity * case
            when is_hard_capped then {{ t['expansion_ready_share_hard_capped'] }}
            else {{ t['expansion_ready_share'] }}
        end
),

bill_shock_risk as (
    select
        *,
        'bill_shock_risk' as signal_type,
        projected_bill_usd / nullif(previous_bill_usd, 0) as signal_value,
        {{ t['bill_shock_ratio'] }} as signal_threshold,
        'Projected bill $' || {{ format_number('projected_bill_usd', 0) }}
        || case
            when previous_bill_usd > 0
                then ' is ' || {{ format_number('projected_bill_usd / previous_bill_usd', 1) }} || 'x'
            else ' is up from'
        end
        || ' last month''s $' || {{ format_number('previous_bill_usd', 0) }}
        || ' on the ' || plan_id || ' plan (' || {{ format_number('quantity_to_date', 0) }} || ' '
        || replace(value_metric, '_', ' ') || ' so far).' as reason,
        'Call before the invoice: explain the bill and offer a plan that fits their usage.'
            as recommended_action
    from inputs
    where
        previous_bill_usd is not null
        and projected_bill_usd >= {{ t['bill_shock_ratio'] }} * previous_bill_usd
        and projected_bill_usd >= previous_bill_usd + {{ t['bill_shock_min_increase_usd'] }}
),

churn_risk as (
    select
        *,
        'churn_risk' as signal_type,
        cast(production_requests_7d as double)
        / nullif(production_requests_prev_28d_weekly_avg, 0) as signal_value,
        {{ t['churn_drop_share'] }} as signal_threshold,
        case
            when production_requests_silent_window = 0
                then
                    'No production request in ' || '{{ t["churn_silent_days"] }}'
                    || ' days after production use in '
                    || cast(production_weeks_before_silent_window as {{ dbt.type_string() }})
                    || ' weeks before.'
            else
                'Production requests fell to ' || {{ format_number('production_requests_7d', 0) }}
                || ' in the last 7 days from a weekly average of '
                || {{ format_number('production_requests_prev_28d_weekly_avg', 0) }}
                || ' in the 4 weeks before.'
        end as reason,
        'Call to find out what changed (an outage, a migration, a competitor) and help them back.'
            as recommended_action
    from inputs
    where
        (
            production_requests_prev_28d_weekly_avg >= {{ t['churn_min_weekly_average'] }}
            and production_requests_7d
            < {{ t['churn_drop_share'] }} * production_requests_prev_28d_weekly_avg
        )
        or (
            production_requests_silent_window = 0
            and production_weeks_before_silent_window >= {{ t['churn_min_active_weeks'] }}
        )
),

activation_stalled as (
    select
        *,
        'activation_stalled' as signal_type,
        cast(days_since_first_signup as double) as signal_value,
        {{ t['activation_stalled_days'] }} as signal_threshold,
        'Signed up ' || cast(days_since_first_signup as {{ dbt.type_string() }})
        || ' days ago and no developer has made a successful request yet.' as reason,
        'Reach out with onboarding help: a working example for their use case, or a call with a solutions engineer.'
            as recommended_action
    from inputs
    where
        days_since_first_signup >= {{ t['activation_stalled_days'] }}
        and successful_requests_to_date = 0
),

-- prepaid credit left but less than the month's projected bill (a tie does not fire)
credits_running_out as (
    select
        *,
        'credits_running_out' as signal_type,
        cast(credit_available_usd / projected_bill_usd as double) as signal_value,
        1.0 as signal_threshold,
        'Prepaid credit of $' || {{ format_number('credit_available_usd', 2) }}
        || ' left covers ' || {{ format_number('100 * credit_available_usd / projected_bill_usd', 0) }}
        || '% of the projected bill of $' || {{ format_number('projected_bill_usd', 2) }}
        || ' this month on the ' || plan_id || ' plan.' as reason,
        'Call before the credit runs out: offer a new credit pack or a commitment, so the first invoice is no surprise.'
            as recommended_action
    from inputs
    where credit_available_usd > 0 and credit_available_usd < projected_bill_usd
),

support_risk as (
    select
        *,
        'support_risk' as signal_type,
        cast(tickets_opened_7d as double) as signal_value,
        {{ t['support_tickets_7d'] }} as signal_threshold,
        case
            when urgent_tickets_open_over_24h > 0
                then
                    cast(urgent_tickets_open_over_24h as {{ dbt.type_string() }})
                    || ' urgent ticket(s) open for more than {{ t["support_urgent_open_hours"] }} hours'
                    || case
                        when tickets_opened_7d >= {{ t['support_tickets_7d'] }}
                            then
                                ', and ' || cast(tickets_opened_7d as {{ dbt.type_string() }})
                                || ' tickets opened in 7 days'
                        else ''
                    end || '.'
            else cast(tickets_opened_7d as {{ dbt.type_string() }}) || ' tickets opened in the last 7 days.'
        end as reason,
        'Check in with the account owner and get the open issues resolved.' as recommended_action
    from inputs
    where
        tickets_opened_7d >= {{ t['support_tickets_7d'] }}
        or urgent_tickets_open_over_24h > 0
),

signals as (
    {%- for signal in [
        'expansion_ready', 'bill_shock_risk', 'churn_risk', 'activation_stalled', 'credits_running_out', 'support_risk'
    ] %}
        select * from {{ signal }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        account_id,
        signal_type,
        date_day as detected_on,
        reason,
        recommended_action,
        {{ money_at_stake_usd() }} as money_at_stake_usd,
        {{ money_at_stake_reason() }} as money_at_stake_reason,
        signal_value,
        cast(signal_threshold as double) as signal_threshold,
        plan_id,
        value_metric,
        quantity_to_date,
        included_quantity,
        projected_quantity,
        monthly_fee_usd,
        projected_bill_usd,
        previous_bill_usd,
        credit_available_usd,
        average_bill_last_3_months_usd,
        next_plan_fee_difference_usd,
        production_requests_7d,
        production_requests_prev_28d_weekly_avg,
        usage_trend,
        production_requests_silent_window,
        production_weeks_before_silent_window,
        days_since_first_signup,
        tickets_opened_7d,
        urgent_tickets_open_over_24h,
        health_score,
        health_band
    from signals
)

select * from final
