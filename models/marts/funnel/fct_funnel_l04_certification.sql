-- Layer 4, certification: subjects passing certification and failed attempts per day.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

certifications as (
    select * from {{ ref('stg_programs__events') }}
    where program = 'certification'
),

daily as (
    select
        cast(occurred_at as date) as date_day,
        count(distinct case
            when subject_type = 'developer' and outcome = 'passed' then subject_id
        end) as certified_developers,
        count(distinct case
            when subject_type = 'application' and outcome = 'passed' then subject_id
        end) as certified_applications,
        count(case when outcome = 'failed' then 1 end) as certification_failures
    from certifications
    group by cast(occurred_at as date)
),

final as (
    select
        calendar.date_day,
        coalesce(daily.certified_developers, 0) as certified_developers,
        coalesce(daily.certified_applications, 0) as certified_applications,
        coalesce(daily.certification_failures, 0) as certification_failures
    from calendar
    left join daily on calendar.date_day = daily.date_day
)

select * from final
