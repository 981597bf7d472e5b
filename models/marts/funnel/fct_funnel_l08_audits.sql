-- Layer 8, audits: subjects with any audit event, and failed audits, per day.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

audits as (
    select * from {{ ref('stg_programs__events') }}
    where program = 'audit'
),

daily as (
    select
        cast(occurred_at as date) as date_day,
        count(distinct case when subject_type = 'developer' then subject_id end)
            as developers_audited,
        count(distinct case when subject_type = 'application' then subject_id end)
            as applications_audited,
        count(case when outcome = 'failed' then 1 end) as audit_failures
    from audits
    group by cast(occurred_at as date)
),

final as (
    select
        calendar.date_day,
        coalesce(daily.developers_audited, 0) as developers_audited,
        coalesce(daily.applications_audited, 0) as applications_audited,
        coalesce(daily.audit_failures, 0) as audit_failures
    from calendar
    left join daily on calendar.date_day = daily.date_day
)

select * from final
