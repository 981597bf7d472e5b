{{ config(materialized='table') }}
-- A table, not a view: several models and tests read it, so it is computed once.
-- One row per community event: a repeated event_id counts once (earliest copy).
with

events as (
    select * from {{ source('raw', 'community_events') }}
),

ranked as (
    select
        *,
        {{ first_copy_rank('event_id', 'occurred_at') }} as copy_rank
    from events
),

final as (
    select
        event_id,
        {{ utc_timestamp('occurred_at') }} as occurred_at,
        event_type,
        visitor_id,
        developer_id,
        url,
        channel
    from ranked
    where copy_rank = 1
)

select * from final
