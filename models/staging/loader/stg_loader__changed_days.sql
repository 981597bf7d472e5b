-- One row per source, landing file and UTC day that a load added or removed
-- rows on, as the loaders record it: what incremental builds recompute.
with

changed_days as (
    select * from {{ source('raw', 'changed_days') }}
),

final as (
    select
        batch_id,
        source,
        file as source_file,
        date_day,
        {{ utc_timestamp('changed_at') }} as changed_at
    from changed_days
)

select * from final
