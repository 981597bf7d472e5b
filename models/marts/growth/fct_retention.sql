-- Retention of developers and accounts by sign-up cohort (docs/metrics.md,
-- "Retention, growth accounting and stickiness").
-- A developer's cohort is the week or month of signed_up_at, an account's that
-- of its first sign-up. For each cohort, one row per period from the cohort's
-- own (period_number 0) through the one holding as_of_date: the members active
-- in that period, and those active in it or any later period (unbounded).
-- Activity in the cohort's own period counts in period 0 even before the
-- sign-up instant; activity in earlier periods does not count.
with

developers as (
    select * from {{ ref('dim_developers') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

periods as (
    select * from {{ ref('int_growth_periods') }}
),

activity as (
    select * from {{ ref('int_entity_activity_periods') }}
),

members as (
    select
        'developer' as entity_type,
        developer_id as entity_id,
        cast(signed_up_at as date) as cohort_date
    from developers
    union all
    select
        'account' as entity_type,
        account_id as entity_id,
        cast(first_signed_up_at as date) as cohort_date
    from accounts
),

-- cohorts after the period holding as_of_date have no period to report
member_cohorts as (
    select
        members.entity_type,
        members.entity_id,
        periods.period_type,
        periods.period_start as cohort_start,
        periods.period_index as cohort_index
    from members
    inner join periods
        on members.cohort_date between periods.period_start and periods.period_end
),

member_activity as (
    select
        member_cohorts.entity_type,
        member_cohorts.period_type,
        member_cohorts.cohort_start,
        member_cohorts.entity_id,
        activity.period_index - member_cohorts.cohort_index as period_number
    from member_cohorts
    inner join activity
        on
            member_cohorts.entity_type = activity.entity_type
            and member_cohorts.entity_id = activity.entity_id
            and member_cohorts.period_type = activity.period_type
            and member_cohorts.cohort_index <= activity.period_index
),

cohorts as (
    select
        entity_type,
        period_type,
        cohort_start,
        cohort_index,
        count(*) as cohort_size
    from member_cohorts
    group by entity_type, period_type, cohort_start, cohort_index
),

active as (
    select
        entity_type,
        period_type,
        cohort_start,
        period_number,
        count(*) as active_entities
    from member_activity
    group by entity_type, period_type, cohort_start, period_number
),

-- a member is unboundedly retained in every period up to its last active one
last_active as (
    select
        entity_type,
        period_type,
        cohort_start,
        last_period_number,
        count(*) as members
    from (
        select
            entity_type,
            period_type,
            cohort_start,
            entity_id,
            max(period_number) as last_period_number
        from member_activity
        group by entity_type, period_type, cohort_start, entity_id
    ) as members_last_active
    group by entity_type, period_type, cohort_start, last_period_number
),

grid as (
    select
        cohorts.entity_type,
        cohorts.period_type,
        cohorts.cohort_start,
        periods.period_index - cohorts.cohort_index as period_number,
        cohorts.cohort_size,
        periods.is_period_complete
    from cohorts
    inner join periods
        on
            cohorts.period_type = periods.period_type
            and cohorts.cohort_index <= periods.period_index
),

counted as (
    select
        grid.*,
        coalesce(active.active_entities, 0) as active_entities,
        coalesce(sum(last_active.members) over (
            partition by grid.entity_type, grid.period_type, grid.cohort_start
            order by grid.period_number desc
            rows between unbounded preceding and current row
        ), 0) as unbounded_active_entities
    from grid
    left join active
        on
            grid.entity_type = active.entity_type
            and grid.period_type = active.period_type
            and grid.cohort_start = active.cohort_start
            and grid.period_number = active.period_number
    left join last_active
        on
            grid.entity_type = last_active.entity_type
            and grid.period_type = last_active.period_type
            and grid.cohort_start = last_active.cohort_start
            and grid.period_number = last_active.last_period_number
),

final as (
    select
        entity_type,
        period_type,
        cohort_start,
        period_number,
        cohort_size,
        active_entities,
        cast(active_entities as double) / cohort_size as retention_rate,
        cast(unbounded_active_entities as bigint) as unbounded_active_entities,
        cast(unbounded_active_entities as double) / cohort_size as unbounded_retention_rate,
        is_period_complete
    from counted
)

select * from final
