-- One row per application: a repeated app_id keeps its earliest registration.
with

applications as (
    select * from {{ source('raw', 'applications') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by app_id
            order by created_at asc nulls last, _file asc, _row_number asc
        ) as registration_rank
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
