-- One row per account and month, from the month of the account's first
-- sign-up through the month of as_of_date (months without usage included: the
-- fee is still owed). A complete month is billed on its plan at its last moment
-- under the plan's price model; the running month on usage so far, with a
-- projection for the whole month.
with

billing_days as (
    select * from {{ ref('int_account_billing_daily') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

credit_ledger as (
    select * from {{ ref('int_account_credit_ledger') }}
),

-- prepaid credits of each month: what the grants valid at its last moment held
-- before it, what they paid, and what they hold after
month_credits as (
    select
        account_id,
        month_start,
        sum(case when is_valid then balance_before_usd else 0 end) as credit_available_usd,
        sum(used_usd) as credits_applied_usd,
        sum(case when is_valid then balance_after_usd else 0 end) as credit_balance_usd
    from credit_ledger
    group by account_id, month_start
),

month_rows as (
    select
        billing_days.*,
        billing_days.is_month_end as is_month_complete,
        coalesce(month_credits.credit_available_usd, 0) as credit_available_usd,
        coalesce(month_credits.credits_applied_usd, 0) as credits_applied_usd,
        coalesce(month_credits.credit_balance_usd, 0) as credit_balance_usd
    from billing_days
    cross join period
    left join month_credits
        on
            billing_days.account_id = month_credits.account_id
            and billing_days.month_start = month_credits.month_start
    where billing_days.is_month_end or billing_days.date_day = period.as_of_date
),

final as (
    select
        account_id,
        month_start,
        plan_id,
        price_model,
        value_metric,
        is_hard_capped,
        api_calls,
        data_gb,
        monthly_active_end_users,
        quantity_to_date as quantity,
        included_quantity,
        overage_quantity,
        overage_usd,
        usage_charge_usd,
        monthly_fee_usd,
        committed_monthly_usd,
        commitment_true_up_usd,
        bill_usd,
        {{ money('credit_available_usd') }} as credit_available_usd,
        {{ money('credits_applied_usd') }} as credits_applied_usd,
        {{ money('bill_usd - credits_applied_usd') }} as amount_due_usd,
        {{ money('credit_balance_usd') }} as credit_balance_usd,
        is_month_complete,
        days_elapsed,
        days_in_month,
        case when not is_month_complete then projected_quantity end as projected_quantity,
        case when not is_month_complete then projected_bill_usd end as projected_bill_usd,
        -- credits do not change the projected bill; they pay what they can of it
        case
            when not is_month_complete
                then {{ money('projected_bill_usd - least(projected_bill_usd, credit_available_usd)') }}
        end as projected_amount_due_usd,
        lag(bill_usd) over (partition by account_id order by month_start) as previous_bill_usd
    from month_rows
)

select * from final
