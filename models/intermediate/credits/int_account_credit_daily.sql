-- Per account with credit grants and day: the credit available to the day's
-- month at the end of the day (credits_running_out in docs/metrics.md, "Account
-- health and sales signals"):
-- grants granted by the end of the day and not expired then, less what the
-- months before used. The day's own month has not paid anything yet.
with

billing_days as (
    select * from {{ ref('int_account_billing_daily') }}
),

ledger as (
    select * from {{ ref('int_account_credit_ledger') }}
),

final as (
    select
        billing_days.account_id,
        billing_days.date_day,
        cast(sum(
            case
                when
                    ledger.granted_at < {{ dbt.dateadd('day', 1, 'billing_days.date_day') }}
                    and (
                        ledger.expires_at is null
                        or ledger.expires_at >= {{ dbt.dateadd('day', 1, 'billing_days.date_day') }}
                    )
                    then ledger.balance_before_usd
                else 0
            end
        ) as decimal(18, 2)) as credit_available_usd
    from billing_days
    inner join ledger
        on
            billing_days.account_id = ledger.account_id
            and billing_days.month_start = ledger.month_start
    group by billing_days.account_id, billing_days.date_day
)

select * from final
