-- One row per registered application, with the account it bills to.
with

applications as (
    select * from {{ ref('int_applications') }}
),

final as (
    select
        app_id,
        developer_id,
        account_id,
        created_at,
        cast(created_at as date) as created_date,
        app_name
    from applications
)

select * from final
