-- The ten layers of the funnel, in hourglass order, for BI tools to draw it
-- (from seeds/funnel_layers.csv, which the user edits).
with

layers as (
    select * from {{ ref('funnel_layers') }}
),

final as (
    select
        layer_number,
        layer_name,
        hourglass_half,
        headline_metric,
        headline_aggregation,
        secondary_metric,
        secondary_aggregation,
        description
    from layers
)

select * from final
