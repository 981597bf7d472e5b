-- One row per ticket in its current state: the export row with the latest updated_at.
with

exports as (
    select * from {{ source('raw', 'support_tickets') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by ticket_id
            order by updated_at desc nulls last, _file desc, _row_number desc
        ) as state_rank
    from exports
),

current_state as (
    select
        ticket_id,
        account_id,
        developer_id,
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        status,
        coalesce(priority, 'normal') as priority,
        coalesce(category, 'other') as category,
        {{ utc_timestamp('first_response_at') }} as first_response_at,
        {{ utc_timestamp('solved_at') }} as solved_at,
        satisfaction
    from ranked
    where state_rank = 1
),

final as (
    select
        *,
        status in ('solved', 'closed') as is_resolved,
        -- a ticket resolves at solved_at, or at updated_at when solved_at is empty
        case when status in ('solved', 'closed') then coalesce(solved_at, updated_at) end
            as resolved_at
    from current_state
)

select * from final
