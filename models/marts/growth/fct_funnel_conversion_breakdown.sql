-- Weekly sign-up cohorts through the journey's stages, broken down by the
-- developer's acquisition channel, country and sign-up plan (docs/metrics.md,
-- "Retention, growth accounting and stickiness"): per group, the developers,
-- those who reached each stage (each stage counts on its own milestone, as in
-- fct_funnel_conversion), their share of the group, and those who reached it
-- within each window of the var conversion_window_days after signed_up_at
-- (bounds included).
{%- set dimensions = [
    ('acquisition_channel', 'acquisition_channel'),
    ('country', "coalesce(nullif(country, ''), 'unknown')"),
    ('signup_plan', 'signup_plan_id'),
] %}
with

journeys as (
    select * from {{ ref('fct_developer_journey') }}
),

developers as (
    select * from {{ ref('dim_developers') }}
),

with_plan as (
    select
        journeys.*,
        developers.signup_plan_id
    from journeys
    inner join developers on journeys.developer_id = developers.developer_id
),

grouped as (
    {%- for dimension, value in dimensions %}
        select
            *,
            '{{ dimension }}' as dimension,
            {{ value }} as dimension_value
        from with_plan
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    {%- for stage, column in journey_stages() %}
        select
            cast(cohort_week as date) as cohort_week,
            {{ loop.index }} as stage_number,
            '{{ stage }}' as stage,
            dimension,
            dimension_value,
            count(*) as developers,
            count({{ column }}) as reached,
            {%- for days in var('conversion_window_days') %}
                count(case
                    when {{ column }} <= {{ dbt.dateadd('hour', days * 24, 'signed_up_at') }} then 1
                end) as reached_within_{{ days }}d,
            {%- endfor %}
            cast(count({{ column }}) as double) / count(*) as share_of_cohort
        from grouped
        group by cast(cohort_week as date), dimension, dimension_value
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from final
