{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    day_column='date_day',
    days_to_rebuild='int_account_days_to_rebuild',
    rebuild_where='is_changed',
    partition_by=day_partitions('date_day'),
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_account_days_to_rebuild') }}
-- A table: several models and tests read it, so it is computed once.
-- Incremental: a day's rows change only when it joins or leaves the calendar,
-- or when sign-ups change (then every day is rebuilt).
-- One row per account and day, from the account's first sign-up day through
-- as_of_date: the dense spine every account mart and rolling window uses.
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
    where {{ on_days_to_rebuild('date_day') }}
),

final as (
    select
        accounts.account_id,
        calendar.date_day
    from accounts
    inner join calendar on accounts.first_signed_up_date <= calendar.date_day
)

select * from final
