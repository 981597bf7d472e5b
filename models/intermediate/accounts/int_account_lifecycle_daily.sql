-- Per account and day: the lifecycle stage (docs/metrics.md, "Account health
-- and sales signals"), the last that applies of signed_up, activated, adopted,
-- expanding and dormant.
with

components as (
    select * from {{ ref('int_account_health_components') }}
),

final as (
    select
        account_id,
        date_day,
        -- the last stage that applies, in this order: dormant wins
        case
            when days_since_last_production_request >= 30 then 'dormant'
            when
                upgraded_in_30d
                or (billable_requests_prev_30d > 0 and billable_requests_30d > billable_requests_prev_30d)
                then 'expanding'
            when billable_requests_to_date > 0 then 'adopted'
            when successful_requests_to_date > 0 then 'activated'
            else 'signed_up'
        end as lifecycle_stage
    from components
)

select * from final
