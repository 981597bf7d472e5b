-- When each plan of an account was in effect: [valid_from, valid_to).
-- Before the first subscriptions row (or with none) the plan is the one chosen
-- at the account's earliest sign-up; the first period is open to the past.
with

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

signup_plans as (
    select
        account_id,
        signup_plan_id as plan_id,
        row_number() over (
            partition by account_id order by signed_up_at asc, developer_id asc
        ) as signup_rank
    from developers
),

changes as (
    select
        account_id,
        plan_id,
        cast(null as timestamp) as valid_from
    from signup_plans
    where signup_rank = 1
    union all
    select
        account_id,
        plan_id,
        effective_at as valid_from
    from subscriptions
),

final as (
    select
        account_id,
        plan_id,
        valid_from,
        lead(valid_from) over (
            partition by account_id order by valid_from asc nulls first
        ) as valid_to
    from changes
)

select * from final
