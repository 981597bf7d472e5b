{#-
  What each sales signal puts at stake, written once (docs/customer_success_guide.md,
  "Money at stake"). One entry per signal_type: `severity` orders signals of
  equal dollars (1 first), `usd` is the dollar figure and `why` the words
  saying where it comes from, both SQL over a fct_sales_signals row (the
  columns of int_account_signal_inputs). A new signal adds one entry.
-#}
{% macro signal_money_rules() -%}
    {%- set average_bill = 'coalesce(average_bill_last_3_months_usd, projected_bill_usd)' %}
    {%- set average_bill_why -%}
        case
            when complete_months_averaged = 0 then 'the month''s projected bill (no complete month yet)'
            else 'the average bill of the last ' || cast(complete_months_averaged as {{ dbt.type_string() }})
                || case when complete_months_averaged = 1 then ' complete month' else ' complete months' end
        end
    {%- endset %}
    {{ return({
        'bill_shock_risk': {
            'severity': 1,
            'usd': 'projected_bill_usd - previous_bill_usd',
            'why': "'the projected bill of $' || " ~ format_number('projected_bill_usd', 2)
                ~ " || ' minus last month''s $' || " ~ format_number('previous_bill_usd', 2),
        },
        'credits_running_out': {
            'severity': 2,
            'usd': 'projected_bill_usd - credit_available_usd',
            'why': "'the projected bill of $' || " ~ format_number('projected_bill_usd', 2)
                ~ " || ' minus the $' || " ~ format_number('credit_available_usd', 2) ~ " || ' of credit left'",
        },
        'churn_risk': {'severity': 3, 'usd': average_bill, 'why': average_bill_why},
        'expansion_ready': {
            'severity': 4,
            'usd': 'case when is_hard_capped then coalesce(next_plan_fee_difference_usd, 0)'
                ~ ' else greatest(projected_bill_usd - monthly_fee_usd, 0) end',
            'why': "case when not is_hard_capped then 'the projected overage: the projected bill of $' || "
                ~ format_number('projected_bill_usd', 2) ~ " || ' above the ' || plan_id || ' plan''s fee of $' || "
                ~ format_number('monthly_fee_usd', 2)
                ~ " when next_plan_id is null then 'no plan with a higher fee than ' || plan_id || ' bills '"
                ~ " || replace(value_metric, '_', ' ')"
                ~ " else 'the ' || next_plan_id || ' plan''s fee above the ' || plan_id || ' plan''s, which is hard-capped' end",
        },
        'support_risk': {'severity': 5, 'usd': average_bill, 'why': average_bill_why},
        'activation_stalled': {
            'severity': 6,
            'usd': 'monthly_fee_usd',
            'why': "'the ' || plan_id || ' plan''s monthly fee'",
        },
    }) }}
{%- endmacro %}

{#- The dollars a signal puts at stake (DECIMAL(18,2)), by the rules above. -#}
{% macro money_at_stake_usd() -%}
    case signal_type
        {%- for signal_type, rule in signal_money_rules().items() %}
            when '{{ signal_type }}' then {{ money(rule['usd']) }}
        {%- endfor %}
    end
{%- endmacro %}

{#- A sentence saying how much is at stake and why: "$29.00 at stake: ...". -#}
{% macro money_at_stake_reason() -%}
    '$' || {{ format_number(money_at_stake_usd(), 2) }} || ' at stake: ' || case signal_type
        {%- for signal_type, rule in signal_money_rules().items() %}
            when '{{ signal_type }}' then {{ rule['why'] }}
        {%- endfor %}
    end || '.'
{%- endmacro %}

{#- The severity of a signal (1 most urgent), to order signals of equal dollars. -#}
{% macro signal_severity() -%}
    case signal_type
        {%- for signal_type, rule in signal_money_rules().items() %}
            when '{{ signal_type }}' then {{ rule['severity'] }}
        {%- endfor %}
    end
{%- endmacro %}
