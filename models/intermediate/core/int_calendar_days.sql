-- One row per UTC day of the daily marts' range: first_date through as_of_date.
with

period as (
    select * from {{ ref('int_reporting_period') }}
),

days as (
    {{ dbt.date_spine(
        'day',
        "(select first_date from " ~ ref('int_reporting_period') ~ ")",
        "(select " ~ dbt.dateadd('day', 1, 'as_of_date') ~ " from " ~ ref('int_reporting_period') ~ ")"
    ) }}
),

final as (
    select cast(days.date_day as date) as date_day
    from days
    cross join period
    where cast(days.date_day as date) between period.first_date and period.as_of_date
)

select * from final
