-- One row per program event (certification, audit, showcase): repeats count once.
with

events as (
    select * from {{ source('raw', 'program_events') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id
            order by occurred_at asc nulls last, _file asc, _row_number asc
        ) as copy_rank
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
