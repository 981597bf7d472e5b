-- One row per account: its first sign-up and what its earliest developer chose.
with

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by account_id order by signed_up_at asc, developer_id asc
        ) as signup_rank,
        count(*) over (partition by account_id) as developers
    from developers
),

final as (
    select
        account_id,
        signed_up_at as first_signed_up_at,
        cast(signed_up_at as date) as first_signed_up_date,
        signup_plan_id,
        acquisition_channel,
        country,
        developers
    from ranked
    where signup_rank = 1
)

select * from final
