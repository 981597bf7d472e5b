-- One row per registered application, with the account it bills to.
with

applications as (
    select * from {{ ref('stg_portal__applications') }}
),

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

final as (
    select
        applications.app_id,
        applications.developer_id,
        developers.account_id,
        applications.created_at,
        cast(applications.created_at as date) as created_date,
        applications.app_name
    from applications
    left join developers on applications.developer_id = developers.developer_id
)

select * from final
