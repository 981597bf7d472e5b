-- When each plan of an account, and the commitment agreed with it, was in
-- effect: [valid_from, valid_to).
-- Before the first subscriptions row (or with none) the plan is the one chosen
-- at the account's earliest sign-up; the first period is open to the past.
with

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

plans as (
    select * from {{ ref('plans') }}
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
        cast(null as timestamp) as valid_from,
        cast(null as decimal(18, 2)) as committed_monthly_usd
    from signup_plans
    where signup_rank = 1
    union all
    select
        account_id,
        plan_id,
        effective_at as valid_from,
        committed_monthly_usd
    from subscriptions
),

periods as (
    select
        account_id,
        plan_id,
        valid_from,
        committed_monthly_usd,
        lead(valid_from) over (
            partition by account_id order by valid_from asc nulls first
        ) as valid_to,
        lag(plan_id) over (
            partition by account_id order by valid_from asc nulls first
        ) as previous_plan_id
    from changes
),

final as (
    select
        periods.account_id,
        periods.plan_id,
        periods.valid_from,
        periods.valid_to,
        -- the commitment agreed with the row that set the plan (0 when none)
        coalesce(periods.committed_monthly_usd, 0) as committed_monthly_usd,
        periods.previous_plan_id,
        -- an upgrade moves to a plan with a higher monthly fee
        coalesce(plans.monthly_fee_usd > previous_plans.monthly_fee_usd, false) as is_upgrade
    from periods
    left join plans on periods.plan_id = plans.plan_id
    left join plans as previous_plans on periods.previous_plan_id = previous_plans.plan_id
)

select * from final
