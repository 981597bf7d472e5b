-- One row per application: a repeated app_id keeps its earliest registration.
with

applications as (
    select * from {{ source('raw', 'applications') }}
),

ranked as (
    select
        *,
        {{ first_copy_rank('app_id', 'created_at') }} as registration_rank
    from applications
),

final as (
    select
        app_id,
        developer_id,
        {{ utc_timestamp('created_at') }} as created_at,
        app_name
    from ranked
    where registration_rank = 1
)

select * from final
