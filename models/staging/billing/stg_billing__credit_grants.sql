-- One row per prepaid credit grant: a repeated grant_id keeps its earliest grant.
with

credit_grants as (
    select * from {{ source('raw', 'credit_grants') }}
),

ranked as (
    select
        *,
        {{ first_copy_rank('grant_id', 'granted_at') }} as grant_rank
    from credit_grants
),

final as (
    select
        grant_id,
        account_id,
        {{ utc_timestamp('granted_at') }} as granted_at,
        amount_usd,
        {{ utc_timestamp('expires_at') }} as expires_at
    from ranked
    where grant_rank = 1
)

select * from final
