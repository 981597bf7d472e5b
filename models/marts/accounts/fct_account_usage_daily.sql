-- Per account and day, every day from the account's first sign-up through
-- as_of_date: requests by environment and outcome, billable data and activity.
with

usage as (
    select * from {{ ref('int_account_usage_daily') }}
),

final as (
    select
        account_id,
        date_day,
        sandbox_requests,
        production_requests,
        billable_requests,
        successful_requests,
        error_requests,
        client_error_requests,
        data_gb,
        active_end_users,
        active_developers,
        active_applications,
        distinct_resources
    from usage
)

select * from final
