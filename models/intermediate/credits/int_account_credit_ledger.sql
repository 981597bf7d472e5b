{{ config(materialized='table') }}
-- Prepaid credits paying the monthly bills (docs/metrics.md, "Value metrics and
-- bills"): one row per account, month and credit grant of the account, with
-- what the grant held before the month, whether it could pay the month, what it
-- paid and what it holds after. Months are paid in order and each starts from
-- what the month before left, so a recursive CTE walks each account's months (a
-- few per account). Spark takes no window or aggregate over a recursive
-- reference, so each step carries all the account's grants in one row, as an
-- array, and pays the month from them in paying order (ranked_grants) with
-- array functions (macros/portability.sql). Money stays in exact decimals.
{#- each grant as the month before left it; it can pay the month when granted before the
    month's end (paid_until) and not expiring before it -#}
{%- set carried = {
    'grant_rank': 'carried.grant_rank',
    'grant_id': 'carried.grant_id',
    'granted_at': 'carried.granted_at',
    'expires_at': 'carried.expires_at',
    'is_valid': 'carried.granted_at < month_bills.paid_until'
        ~ ' and (carried.expires_at is null or carried.expires_at >= month_bills.paid_until)',
    'balance_before_usd': 'cast(carried.balance_before_usd - coalesce(carried.used_usd, 0) as decimal(18, 2))',
    'used_usd': 'cast(0 as decimal(18, 2))',
} %}
{#- each grant pays what the grants before it in paying order left of the bill -#}
{%- set earlier_grants_usd = array_sum_money(
    'month_grants', 'earlier',
    'case when earlier.is_valid and earlier.grant_rank < paying.grant_rank'
    ~ ' then earlier.balance_before_usd else 0 end'
) %}
{%- set paying = {
    'grant_rank': 'paying.grant_rank',
    'grant_id': 'paying.grant_id',
    'granted_at': 'paying.granted_at',
    'expires_at': 'paying.expires_at',
    'is_valid': 'paying.is_valid',
    'balance_before_usd': 'paying.balance_before_usd',
    'used_usd': 'cast(case when paying.is_valid then least(paying.balance_before_usd, greatest(bill_usd - '
        ~ earlier_grants_usd ~ ', 0)) else 0 end as decimal(18, 2))',
} %}
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
        -- after as_of_date)
        cast({{ dbt.dateadd('day', 1, 'billing_days.date_day') }} as timestamp) as paid_until,
        row_number() over (
            partition by billing_days.account_id order by billing_days.month_start
        ) as month_number
    from billing_days
    cross join period
    where billing_days.is_month_end or billing_days.date_day = period.as_of_date
),

-- each grant's place in paying order within its account: earliest
-- expires_at (never-expiring last), then granted_at, then grant_id
ranked_grants as (
    select
        *,
        row_number() over (
            partition by account_id
            order by expires_at asc nulls last, granted_at asc, grant_id asc
        ) as grant_rank
    from grants
),

ledger as (
    -- before the account's first month every grant holds its whole amount (null: no
    -- month yet; Spark wants the same nullable struct fields in both terms)
    select
        account_id,
        cast(0 as {{ dbt.type_bigint() }}) as month_number,
        cast(null as date) as month_start,
        array_agg({{ struct_of({
            'grant_rank': 'grant_rank',
            'grant_id': 'grant_id',
            'granted_at': 'granted_at',
            'expires_at': 'expires_at',
            'is_valid': 'cast(null as boolean)',
            'balance_before_usd': 'amount_usd',
            'used_usd': 'cast(null as decimal(18, 2))',
        }) }}) as grant_balances
    from ranked_grants
    group by account_id
    union all
    -- the next month pays its bill from the grants valid at its end, in order
    select
        account_id,
        month_number,
        month_start,
        {{ array_map('month_grants', 'paying', struct_of(paying)) }} as grant_balances
    from (
        select
            ledger.account_id,
            month_bills.month_number,
            month_bills.month_start,
            month_bills.bill_usd,
            {{ array_map('ledger.grant_balances', 'carried', struct_of(carried)) }} as month_grants
        from ledger
        inner join month_bills
            on
                ledger.account_id = month_bills.account_id
                and month_bills.month_number = ledger.month_number + 1
    ) as month_ledger
),

ledger_grants as (
    select
        account_id,
        month_start,
        {{ explode_array('grant_balances') }} as ledger_grant
    from ledger
    where month_number > 0
),

final as (
    select
        ledger_grants.account_id,
        ledger_grants.month_start,
        ledger_grant.grant_id,
        ledger_grant.granted_at,
        ledger_grant.expires_at,
        ledger_grant.is_valid,
        ledger_grant.balance_before_usd,
        ledger_grant.used_usd,
        cast(ledger_grant.balance_before_usd - ledger_grant.used_usd as decimal(18, 2)) as balance_after_usd
    from ledger_grants
)

select * from final
