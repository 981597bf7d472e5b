-- One row per developer. No personal field: the email stays in staging, hashed.
with

developers as (
    select * from {{ ref('stg_portal__developers') }}
),

applications as (
    select * from {{ ref('stg_portal__applications') }}
),

application_counts as (
    select
        developer_id,
        count(*) as applications
    from applications
    group by developer_id
),

final as (
    select
        developers.developer_id,
        developers.account_id,
        developers.signed_up_at,
        cast(developers.signed_up_at as date) as signed_up_date,
        developers.acquisition_channel,
        developers.country,
        developers.signup_plan_id,
        coalesce(application_counts.applications, 0) as applications
    from developers
    left join application_counts on developers.developer_id = application_counts.developer_id
)

select * from final
