{{ config(materialized='table') }}
-- Prepaid credits paying the monthly bills (CONTRACT.md section 3): one row per
-- account, month and credit grant of the account, with what the grant held
-- before the month, whether it could pay the month, what it paid and what it
-- holds after. Months are paid in order and each starts from what the month
-- before left, so a recursive CTE walks each account's months (a few per
-- account); within a month a window takes from the grants in the contract's
-- order. Money stays in exact decimals.
with recursive

billing_days as (
    select * from {{ ref('int_account_billing_daily') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

grants as (
    select * from {{ ref('stg_billing__credit_grants') }}
),

-- the bill of each month: its last day, or as_of_date for the running month
month_bills as (
    select
        billing_days.account_id,
        billing_days.month_start,
        billing_days.bill_usd,
        -- the first instant after the month's last moment (the running month:
        -- after as_of_date); a grant pays the month when granted before it and
        -- not expiring before it
        cast({{ dbt.dateadd('day', 1, 'billing_days.date_day') }} as timestamp) as paid_until,
        row_number() over (
            partition by billing_days.account_id order by billing_days.month_start
        ) as month_number
    from billing_days
    cross join period
    where billing_days.is_month_end or billing_days.date_day = period.as_of_date
),

ledger as (
    -- before the account's first month every grant holds its whole amount
    select
        account_id,
        cast(0 as {{ dbt.type_bigint() }}) as month_number,
        cast(null as date) as month_start,
        grant_id,
        granted_at,
        expires_at,
        false as is_valid,
        amount_usd as balance_before_usd,
        cast(0 as decimal(18, 2)) as used_usd,
        amount_usd as balance_after_usd
    from grants
    union all
    select
        account_id,
        month_number,
        month_start,
        grant_id,
        granted_at,
        expires_at,
        is_valid,
        -- the anchor's types: Spark does not narrow a recursive term's decimals itself
        cast(balance_before_usd as decimal(18, 2)) as balance_before_usd,
        cast(used_usd as decimal(18, 2)) as used_usd,
        cast(balance_before_usd - used_usd as decimal(18, 2)) as balance_after_usd
    from (
        select
            *,
            case
                when is_valid then least(balance_before_usd, greatest(bill_usd - earlier_grants_usd, 0))
                else 0
            end as used_usd
        from (
            select
                *,
                -- what the grants before this one in the contract's order can pay
                coalesce(sum(case when is_valid then balance_before_usd else 0 end) over (
                    partition by account_id
                    order by expires_at asc nulls last, granted_at asc, grant_id asc
                    rows between unbounded preceding and 1 preceding
                ), 0) as earlier_grants_usd
            from (
                select
                    ledger.account_id,
                    month_bills.month_number,
                    month_bills.month_start,
                    month_bills.bill_usd,
                    ledger.grant_id,
                    ledger.granted_at,
                    ledger.expires_at,
                    ledger.balance_after_usd as balance_before_usd,
                    ledger.granted_at < month_bills.paid_until
                    and (ledger.expires_at is null or ledger.expires_at >= month_bills.paid_until) as is_valid
                from ledger
                inner join month_bills
                    on
                        ledger.account_id = month_bills.account_id
                        and month_bills.month_number = ledger.month_number + 1
            ) as month_grants
        ) as ordered_grants
    ) as used_grants
),

final as (
    select
        account_id,
        month_start,
        grant_id,
        granted_at,
        expires_at,
        is_valid,
        balance_before_usd,
        cast(used_usd as decimal(18, 2)) as used_usd,
        cast(balance_after_usd as decimal(18, 2)) as balance_after_usd
    from ledger
    where month_number > 0
)

select * from final
