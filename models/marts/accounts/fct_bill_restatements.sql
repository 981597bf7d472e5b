-- Every change to the bill of a month already complete (docs/metrics.md,
-- "Value metrics and bills", restatements): one row per account, month and
-- version that changed its bill_usd, from the snapshot of the monthly bills, so
-- finance sees every change to a month it has invoiced (a late or replaced
-- landing file).
with

bill_versions as (
    select * from {{ ref('snp_account_bills_monthly') }}
),

changes as (
    select
        account_id,
        month_start,
        dbt_valid_from,
        published_version,
        bill_usd as bill_after_usd,
        lag(bill_usd) over (
            partition by account_id, month_start order by dbt_valid_from
        ) as bill_before_usd
    from bill_versions
),

final as (
    select
        account_id,
        month_start,
        -- the snapshot's clock: a UTC timestamp (the profile's TimeZone is UTC)
        cast(dbt_valid_from as timestamp) as seen_at,
        bill_before_usd,
        bill_after_usd,
        {{ money('bill_after_usd - bill_before_usd') }} as difference_usd,
        published_version
    from changes
    -- the first version of a month is its invoice, not a restatement
    where bill_before_usd is not null
)

select * from final
