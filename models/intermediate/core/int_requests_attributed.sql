-- Each request with the developer and account behind its application. A request
-- of an application not registered (yet) keeps null developer and account.
with

requests as (
    select * from {{ ref('stg_gateway__requests') }}
),

applications as (
    select * from {{ ref('stg_portal__applications') }}
),

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

final as (
    select
        requests.*,
        applications.developer_id,
        developers.account_id
    from requests
    left join applications on requests.app_id = applications.app_id
    left join developers on applications.developer_id = developers.developer_id
)

select * from final
