-- One row per program event (certification, audit, showcase): repeats count once.
with

events as (
    select * from {{ source('raw', 'program_events') }}
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
        program,
        subject_type,
        subject_id,
        outcome
    from ranked
    where copy_rank = 1
)

select * from final
