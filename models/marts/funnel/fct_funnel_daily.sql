-- The funnel in long form: one row per day, layer and metric, every metric of
-- every layer on every day of the daily range. Value is null only where the
-- metric is a ratio or median with nothing to divide. The metrics are each
-- layer model's columns (macros/funnel.sql).
with

layers as (
    select * from {{ ref('funnel_layers') }}
),

metrics as (
    {%- for layer_number, model, metrics in funnel_layer_metrics() %}
        {%- set layer_loop = loop %}
        {%- set layer = ref(model) %}
        {%- for metric in metrics %}
            select
                date_day,
                {{ layer_number }} as layer_number,
                {{ loop.index }} as metric_number,
                '{{ metric }}' as metric,
                cast({{ metric }} as double) as value
            from {{ layer }}
            {%- if not (layer_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
),

final as (
    select
        metrics.date_day,
        metrics.layer_number,
        layers.layer_name,
        layers.hourglass_half,
        metrics.metric_number,
        metrics.metric,
        metrics.value
    from metrics
    inner join layers on metrics.layer_number = layers.layer_number
)

select * from final
