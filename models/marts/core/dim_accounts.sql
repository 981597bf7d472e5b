-- One row per account (customer organisation), with its plan at the end of as_of_date.
with

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

applications as (
    select * from {{ ref('dim_applications') }}
),

plan_periods as (
    select * from {{ ref('int_account_plan_periods') }}
),

period as (
    select * from {{ ref('int_reporting_period') }}
),

first_developers as (
    select
        account_id,
        signup_plan_id,
        acquisition_channel,
        country,
        row_number() over (
            partition by account_id order by signed_up_at asc, developer_id asc
        ) as signup_rank
    from developers
),

developer_counts as (
    select
        account_id,
        min(signed_up_at) as first_signed_up_at,
        count(*) as developers
    from developers
    group by account_id
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
    -- the plan in effect at the end of as_of_date
    select
        plan_periods.account_id,
        plan_periods.plan_id
    from plan_periods
    cross join period
    where
        (
            plan_periods.valid_from is null
            or plan_periods.valid_from < {{ dbt.dateadd('day', 1, 'period.as_of_date') }}
        )
        and (
            plan_periods.valid_to is null
            or plan_periods.valid_to >= {{ dbt.dateadd('day', 1, 'period.as_of_date') }}
        )
),

final as (
    select
        developer_counts.account_id,
        developer_counts.first_signed_up_at,
        cast(developer_counts.first_signed_up_at as date) as first_signed_up_date,
        coalesce(current_plans.plan_id, first_developers.signup_plan_id) as current_plan_id,
        first_developers.signup_plan_id,
        first_developers.acquisition_channel,
        first_developers.country,
        developer_counts.developers,
        coalesce(application_counts.applications, 0) as applications
    from developer_counts
    inner join first_developers
        on developer_counts.account_id = first_developers.account_id and first_developers.signup_rank = 1
    left join current_plans on developer_counts.account_id = current_plans.account_id
    left join application_counts on developer_counts.account_id = application_counts.account_id
)

select * from final
