-- One row per account and month, from the month of the account's first
-- sign-up through the month of as_of_date (months without usage included: the
-- fee is still owed). A complete month is billed on its plan at its last moment;
-- the running month on usage so far, with a projection for the whole month.
with

billing_days as (
    select * from {{ ref('int_account_billing_daily') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

month_rows as (
    select
        billing_days.*,
        billing_days.is_month_end as is_month_complete
    from billing_days
    cross join period
    where billing_days.is_month_end or billing_days.date_day = period.as_of_date
),

final as (
    select
        account_id,
        month_start,
        plan_id,
        value_metric,
        is_hard_capped,
        api_calls,
        data_gb,
        monthly_active_end_users,
        quantity_to_date as quantity,
        included_quantity,
        overage_quantity,
        overage_usd,
        monthly_fee_usd,
        bill_usd,
        is_month_complete,
        days_elapsed,
        days_in_month,
        case when not is_month_complete then projected_quantity end as projected_quantity,
        case when not is_month_complete then projected_bill_usd end as projected_bill_usd,
        lag(bill_usd) over (partition by account_id order by month_start) as previous_bill_usd
    from month_rows
)

select * from final
