{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    days_to_rebuild='int_account_days_to_rebuild',
    rebuild_where='is_changed',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_account_days_to_rebuild') }}
-- Incremental: a day is recomputed only when its own inputs changed.
-- Per account and day (every day from its first sign-up through as_of_date):
-- requests by environment and outcome, billable data, and who was active.
-- Requests count for an account through the owner of the calling application.
with

account_days as (
    select * from {{ ref('int_account_days') }}
    where {{ on_days_to_rebuild('date_day') }}
),

usage as (
    select * from {{ ref('int_api_usage_daily') }}
    where {{ on_days_to_rebuild('date_day') }}
),

end_users as (
    select * from {{ ref('int_end_users_daily') }}
    where {{ on_days_to_rebuild('date_day') }}
),

applications as (
    select * from {{ ref('int_applications') }}
),

account_usage as (
    select
        applications.account_id,
        usage.date_day,
        {{ count_sum("case when usage.environment = 'sandbox' then usage.requests else 0 end") }}
            as sandbox_requests,
        {{ count_sum("case when usage.environment = 'production' then usage.requests else 0 end") }}
            as production_requests,
        {{ count_sum('usage.billable_requests') }} as billable_requests,
        {{ count_sum('usage.successful_requests') }} as successful_requests,
        {{ count_sum("case when usage.status_class = '5xx' then usage.requests else 0 end") }}
            as error_requests,
        {{ count_sum("case when usage.status_class = '4xx' then usage.requests else 0 end") }}
            as client_error_requests,
        {{ count_sum(
            "case when usage.environment = 'production' and usage.status_class = '5xx'"
            ~ " then usage.requests else 0 end"
        ) }} as production_error_requests,
        {{ count_sum(
            'case when usage.billable_requests > 0 then usage.request_bytes + usage.response_bytes else 0 end'
        ) }} as billable_bytes,
        count(distinct usage.app_id) as active_applications,
        count(distinct applications.developer_id) as active_developers,
        count(distinct case when usage.environment = 'production' then usage.resource end)
            as distinct_resources
    from usage
    inner join applications on usage.app_id = applications.app_id
    where applications.account_id is not null
    group by applications.account_id, usage.date_day
),

account_end_users as (
    select
        applications.account_id,
        end_users.date_day,
        count(*) as active_end_users
    from end_users
    inner join applications on end_users.app_id = applications.app_id
    group by applications.account_id, end_users.date_day
),

final as (
    select
        account_days.account_id,
        account_days.date_day,
        coalesce(account_usage.sandbox_requests, 0) as sandbox_requests,
        coalesce(account_usage.production_requests, 0) as production_requests,
        coalesce(account_usage.billable_requests, 0) as billable_requests,
        coalesce(account_usage.successful_requests, 0) as successful_requests,
        coalesce(account_usage.error_requests, 0) as error_requests,
        coalesce(account_usage.client_error_requests, 0) as client_error_requests,
        coalesce(account_usage.production_error_requests, 0) as production_error_requests,
        coalesce(account_usage.billable_bytes, 0) as billable_bytes,
        coalesce(account_usage.billable_bytes, 0) / 1e9 as data_gb,
        coalesce(account_end_users.active_end_users, 0) as active_end_users,
        coalesce(account_usage.active_developers, 0) as active_developers,
        coalesce(account_usage.active_applications, 0) as active_applications,
        coalesce(account_usage.distinct_resources, 0) as distinct_resources
    from account_days
    left join account_usage
        on
            account_days.account_id = account_usage.account_id
            and account_days.date_day = account_usage.date_day
    left join account_end_users
        on
            account_days.account_id = account_end_users.account_id
            and account_days.date_day = account_end_users.date_day
)

select * from final
