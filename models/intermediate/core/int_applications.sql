-- Each registered application with the developer and account it belongs to.
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
        applications.app_name
    from applications
    left join developers on applications.developer_id = developers.developer_id
)

select * from final
