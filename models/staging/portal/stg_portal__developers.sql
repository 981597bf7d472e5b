-- One row per developer: a repeated developer_id keeps its earliest sign-up.
with

signups as (
    select * from {{ source('raw', 'signups') }}
),

ranked as (
    select
        *,
        {{ first_copy_rank('developer_id', 'signed_up_at') }} as signup_rank
    from signups
),

final as (
    select
        developer_id,
        account_id,
        {{ utc_timestamp('signed_up_at') }} as signed_up_at,
        {{ hash_pii('email') }} as email_hash,
        coalesce(plan_id, 'free') as signup_plan_id,
        coalesce(lower(acquisition_channel), 'unknown') as acquisition_channel,
        visitor_id,
        upper(country) as country
    from ranked
    where signup_rank = 1
)

select * from final
