{{ config(materialized='table') }}
-- A table, not a view: several models and tests read it, so it is computed once.
-- One row per UTC day of the daily marts' range: first_date through as_of_date.
with

days as (
    {{ days_between(ref('int_reporting_period'), 'first_date', 'as_of_date') }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
