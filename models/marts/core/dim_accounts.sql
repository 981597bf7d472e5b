-- One row per account (customer organisation), with its plan at the end of as_of_date.
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

applications as (
    select * from {{ ref('int_applications') }}
),

plan_periods as (
    select * from {{ ref('int_account_plan_periods') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

application_counts as (
    select
        account_id,
        count(*) as applications
    from applications
    where account_id is not null
    group by account_id
),

current_plans as (
    select
        plan_periods.account_id,
        plan_periods.plan_id
    from plan_periods
    cross join period
    where {{ plan_in_effect_at('plan_periods', dbt.dateadd('day', 1, 'period.as_of_date')) }}
),

final as (
    select
        accounts.account_id,
        accounts.first_signed_up_at,
        accounts.first_signed_up_date,
        current_plans.plan_id as current_plan_id,
        accounts.signup_plan_id,
        accounts.acquisition_channel,
        accounts.country,
        accounts.developers,
        coalesce(application_counts.applications, 0) as applications
    from accounts
    left join current_plans on accounts.account_id = current_plans.account_id
    left join application_counts on accounts.account_id = application_counts.account_id
)

select * from final
