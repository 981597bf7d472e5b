-- One row per developer: the first time each milestone was reached (null if
-- never) and the hours from sign-up to it. A request counts for a developer
-- through its application's owner; a success is status 200-399.
with

developers as (
    select * from {{ ref('dim_developers') }}
),

applications as (
    select * from {{ ref('dim_applications') }}
),

usage as (
    select * from {{ ref('fct_api_usage_daily') }}
),

program_events as (
    select * from {{ ref('stg_programs__events') }}
),

first_applications as (
    select
        developer_id,
        min(created_at) as first_application_at
    from applications
    group by developer_id
),

first_requests as (
    select
        applications.developer_id,
        min(case when usage.environment = 'sandbox' then usage.first_requested_at end)
            as first_sandbox_request_at,
        min(case
            when usage.environment = 'sandbox' and usage.successful_requests > 0
                then usage.first_successful_at
        end) as first_sandbox_success_at,
        min(case when usage.environment = 'production' then usage.first_requested_at end)
            as first_production_request_at,
        min(case
            when usage.environment = 'production' and usage.successful_requests > 0
                then usage.first_successful_at
        end) as first_production_success_at
    from usage
    inner join applications on usage.app_id = applications.app_id
    group by applications.developer_id
),

certifications as (
    select
        subject_id as developer_id,
        min(occurred_at) as certified_at
    from program_events
    where program = 'certification' and subject_type = 'developer' and outcome = 'passed'
    group by subject_id
),

final as (
    select
        developers.developer_id,
        developers.account_id,
        developers.acquisition_channel,
        developers.country,
        developers.signed_up_at,
        cast({{ dbt.date_trunc('week', 'developers.signed_up_at') }} as date) as cohort_week,
        first_applications.first_application_at,
        first_requests.first_sandbox_request_at,
        first_requests.first_sandbox_success_at,
        certifications.certified_at,
        first_requests.first_production_request_at,
        first_requests.first_production_success_at,
        {{ hours_between('developers.signed_up_at', 'first_applications.first_application_at') }}
            as hours_to_first_application,
        {{ hours_between('developers.signed_up_at', 'first_requests.first_sandbox_success_at') }}
            as hours_to_first_hello_world,
        {{ hours_between('developers.signed_up_at', 'first_requests.first_production_success_at') }}
            as hours_to_production
    from developers
    left join first_applications on developers.developer_id = first_applications.developer_id
    left join first_requests on developers.developer_id = first_requests.developer_id
    left join certifications on developers.developer_id = certifications.developer_id
)

select * from final
