-- fct_funnel_daily holds every metric of every layer on every day of the daily
-- range: days x metrics rows, none missing. Returns the (day, metric) gaps.
{%- set metrics = [] %}
{%- for layer_number, model, names in funnel_layer_metrics() %}
    {%- for name in names %}{% do metrics.append((layer_number, name)) %}{% endfor %}
{%- endfor %}
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

funnel as (
    select * from {{ ref('fct_funnel_daily') }}
),

expected as (
    {%- for layer_number, name in metrics %}
        select
            {{ layer_number }} as layer_number,
            '{{ name }}' as metric
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

gaps as (
    select
        calendar.date_day,
        expected.layer_number,
        expected.metric
    from calendar
    cross join expected
    left join funnel
        on
            calendar.date_day = funnel.date_day
            and expected.layer_number = funnel.layer_number
            and expected.metric = funnel.metric
    where funnel.metric is null
)

select * from gaps
