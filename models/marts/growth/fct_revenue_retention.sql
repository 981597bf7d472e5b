-- Net and gross revenue retention per month (docs/metrics.md, "Retention,
-- growth accounting and stickiness"), from the second month with any bill
-- through the last complete month. The base of a month is the accounts billed
-- more than 0 in the month before; their previous-month bills are the starting
-- revenue, and their bills now split it into retained, expansion, contraction
-- and churned revenue. Bills of accounts outside the base are new revenue.
-- Ratios are null when the base is empty.
with

bills as (
    select * from {{ ref('fct_account_billing_monthly') }}
),

first_month as (
    select min(month_start) as month_start from bills
),

-- every account has a row for every month from its first sign-up, so the
-- previous row's bill is the previous month's
account_months as (
    select
        bills.month_start,
        bills.bill_usd as now_usd,
        coalesce(bills.previous_bill_usd, 0) as before_usd,
        coalesce(bills.previous_bill_usd, 0) > 0 as is_in_base
    from bills
    cross join first_month
    where bills.is_month_complete and bills.month_start > first_month.month_start
),

by_month as (
    select
        month_start,
        count(case when is_in_base then 1 end) as base_accounts,
        count(case when is_in_base and now_usd = 0 then 1 end) as churned_accounts,
        sum(case when is_in_base then before_usd else 0 end) as starting_revenue_usd,
        sum(case when is_in_base then least(now_usd, before_usd) else 0 end)
            as retained_revenue_usd,
        sum(case when is_in_base then greatest(now_usd - before_usd, 0) else 0 end)
            as expansion_usd,
        sum(case when is_in_base and now_usd > 0 then greatest(before_usd - now_usd, 0) else 0 end)
            as contraction_usd,
        sum(case when is_in_base and now_usd = 0 then before_usd else 0 end) as churned_revenue_usd,
        sum(case when not is_in_base then now_usd else 0 end) as new_revenue_usd
    from account_months
    group by month_start
),

final as (
    select
        month_start,
        base_accounts,
        churned_accounts,
        {{ money('starting_revenue_usd') }} as starting_revenue_usd,
        {{ money('retained_revenue_usd') }} as retained_revenue_usd,
        {{ money('expansion_usd') }} as expansion_usd,
        {{ money('contraction_usd') }} as contraction_usd,
        {{ money('churned_revenue_usd') }} as churned_revenue_usd,
        {{ money('new_revenue_usd') }} as new_revenue_usd,
        cast(starting_revenue_usd + expansion_usd - contraction_usd - churned_revenue_usd as double)
        / nullif(starting_revenue_usd, 0) as net_revenue_retention,
        cast(retained_revenue_usd as double) / nullif(starting_revenue_usd, 0)
            as gross_revenue_retention
    from by_month
)

select * from final
