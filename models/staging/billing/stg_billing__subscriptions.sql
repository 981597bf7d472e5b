-- One row per plan change. Two rows for the same account and moment: the last
-- landed (file order, then row) is the correction and wins.
with

subscriptions as (
    select * from {{ source('raw', 'subscriptions') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by account_id, effective_at
            order by _file desc, _row_number desc
        ) as correction_rank
    from subscriptions
),

final as (
    select
        account_id,
        plan_id,
        {{ utc_timestamp('effective_at') }} as effective_at,
        committed_monthly_usd
    from ranked
    where correction_rank = 1
)

select * from final
