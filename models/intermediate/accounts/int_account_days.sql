{{ config(materialized='table') }}
-- A table, not a view: several models and tests read it, so it is computed once.
-- One row per account and day, from the account's first sign-up day through
-- as_of_date: the dense spine every account mart and rolling window uses.
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    select
        accounts.account_id,
        calendar.date_day
    from accounts
    inner join calendar on accounts.first_signed_up_date <= calendar.date_day
)

select * from final
