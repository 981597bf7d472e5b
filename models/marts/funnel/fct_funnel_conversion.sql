-- Weekly sign-up cohorts (Monday of the sign-up week) through the journey's
-- stages: developers reaching each stage, their share of the cohort, the
-- conversion from the previous stage (of those who reached it, the share that
-- also reached this one), and the median hours from sign-up to reaching it.
with

journeys as (
    select * from {{ ref('fct_developer_journey') }}
),

stages as (
    {%- for stage, column in journey_stages() %}
        select
            cast(cohort_week as date) as cohort_week,
            developer_id,
            {{ loop.index }} as stage_number,
            '{{ stage }}' as stage,
            {{ column }} as reached_at,
            {{ hours_between('signed_up_at', column) }} as hours_from_signup
        from journeys
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

with_previous as (
    select
        *,
        lag(reached_at) over (
            partition by developer_id order by stage_number
        ) as previous_stage_reached_at
    from stages
),

by_stage as (
    select
        cohort_week,
        stage_number,
        stage,
        count(*) as cohort_developers,
        count(reached_at) as developers,
        count(previous_stage_reached_at) as previous_stage_developers,
        count(case
            when previous_stage_reached_at is not null and reached_at is not null then 1
        end) as converted_from_previous_stage,
        {{ percentile('hours_from_signup', 0.5) }} as median_hours_from_signup
    from with_previous
    group by cohort_week, stage_number, stage
),

final as (
    select
        cohort_week,
        stage_number,
        stage,
        cohort_developers,
        developers,
        cast(developers as double) / nullif(cohort_developers, 0) as share_of_cohort,
        previous_stage_developers,
        converted_from_previous_stage,
        cast(converted_from_previous_stage as double)
        / nullif(previous_stage_developers, 0) as share_of_previous_stage,
        median_hours_from_signup
    from by_stage
)

select * from final
