-- Layer 2, developers and applications: sign-ups and registrations per day.
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

developers as (
    select * from {{ ref('dim_developers') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

applications as (
    select * from {{ ref('dim_applications') }}
),

new_developers as (
    select
        signed_up_date as date_day,
        count(*) as new_developers
    from developers
    group by signed_up_date
),

new_accounts as (
    select
        first_signed_up_date as date_day,
        count(*) as new_accounts
    from accounts
    group by first_signed_up_date
),

new_applications as (
    select
        created_date as date_day,
        count(*) as new_applications
    from applications
    group by created_date
),

final as (
    select
        calendar.date_day,
        coalesce(new_developers.new_developers, 0) as new_developers,
        coalesce(new_accounts.new_accounts, 0) as new_accounts,
        coalesce(new_applications.new_applications, 0) as new_applications
    from calendar
    left join new_developers on calendar.date_day = new_developers.date_day
    left join new_accounts on calendar.date_day = new_accounts.date_day
    left join new_applications on calendar.date_day = new_applications.date_day
)

select * from final
