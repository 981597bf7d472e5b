{{ config(materialized='table') }}
-- A table, not a view: every growth mart reads it, so it is computed once.
-- One row per entity and UTC day on which it was active (docs/metrics.md,
-- "Retention, growth accounting and stickiness"):
-- a developer with any request (sandbox or production, any status) of an
-- application they own; an account with any production request of its
-- applications; an end user (app_id, end_user_id) with a production request,
-- registered application or not. app_id is set for end users only.
with

usage as (
    select * from {{ ref('int_api_usage_daily') }}
),

applications as (
    select * from {{ ref('int_applications') }}
),

end_users as (
    select * from {{ ref('int_end_users_daily') }}
),

developer_days as (
    select distinct
        applications.developer_id as entity_id,
        usage.date_day
    from usage
    inner join applications on usage.app_id = applications.app_id
    where applications.developer_id is not null
),

account_days as (
    select distinct
        applications.account_id as entity_id,
        usage.date_day
    from usage
    inner join applications on usage.app_id = applications.app_id
    where usage.environment = 'production' and applications.account_id is not null
),

final as (
    select
        'developer' as entity_type,
        cast(null as {{ dbt.type_string() }}) as app_id,
        entity_id,
        date_day
    from developer_days
    union all
    select
        'account' as entity_type,
        cast(null as {{ dbt.type_string() }}) as app_id,
        entity_id,
        date_day
    from account_days
    union all
    select
        'end_user' as entity_type,
        app_id,
        end_user_id as entity_id,
        date_day
    from end_users
)

select * from final
