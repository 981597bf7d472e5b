-- The floor: one hand-written DuckDB script that reads the landing files and
-- computes fct_api_usage_daily and the layer 5 and 6 daily counts directly,
-- with the same deduplication and the same resource patterns. No loader, no
-- rejects, no incremental bookkeeping: what the hardware allows.
-- {landing} is replaced by the harness.
set TimeZone = 'UTC';

create or replace table requests as
select
    request_id,
    requested_at::timestamp as requested_at,
    cast(requested_at as date) as date_day,
    app_id,
    lower(environment) as environment,
    upper(method) as method,
    split_part(path, '?', 1) as path,
    status_code,
    latency_ms,
    coalesce(request_bytes, 0) + coalesce(response_bytes, 0) as bytes
from (
    select
        *,
        row_number() over (
            partition by request_id order by requested_at, filename, file_row_number
        ) as copy_rank
    from read_parquet('{landing}/api_logs/**/requests*.parquet', filename = true, file_row_number = true)
    where app_id is not null and lower(environment) in ('sandbox', 'production')
        and coalesce(latency_ms, 0) >= 0
)
where copy_rank = 1;

-- exact percentiles from a window sort: quantile_cont's per-group state ran out
-- of memory at 100M requests (see macros/percentiles.sql)
create or replace table usage_daily as
with classified as (
    select
        date_day, app_id, environment,
        case
            when regexp_matches(path, '^/v[0-9]+/(oauth|auth|token)(/|$)') then 'auth'
            when regexp_matches(path, '^/v[0-9]+/(hello|ping|health)(/|$)') then 'hello'
            when regexp_matches(path, '^/v[0-9]+/customers(/|$)') then 'customers'
            when regexp_matches(path, '^/v[0-9]+/payments(/|$)') then 'payments'
            when regexp_matches(path, '^/v[0-9]+/invoices(/|$)') then 'invoices'
            when regexp_matches(path, '^/v[0-9]+/webhooks(/|$)') then 'webhooks'
            when regexp_matches(path, '^/v[0-9]+/reports(/|$)') then 'reports'
            when regexp_matches(path, '^/v[0-9]+/files(/|$)') then 'files'
            else 'other'
        end as resource,
        method,
        (status_code // 100) || 'xx' as status_class,
        status_code, bytes, latency_ms
    from requests
),
ranked as (
    select
        *,
        row_number() over w - 1 as rank,
        count(*) over w as n,
        (count(*) over w - 1) * 0.5::double as p50_at,
        (count(*) over w - 1) * 0.95::double as p95_at
    from classified
    window w as (
        partition by date_day, app_id, environment, resource, method, status_class
        order by latency_ms rows between unbounded preceding and unbounded following
    )
)
select
    date_day, app_id, environment, resource, method, status_class,
    count(*) as requests,
    count(*) filter (where environment = 'production' and status_code < 500) as billable_requests,
    sum(bytes) as bytes,
    min(latency_ms) filter (where rank = floor(p50_at))
        + (min(latency_ms) filter (where rank = ceil(p50_at)) - min(latency_ms) filter (where rank = floor(p50_at)))
        * max(p50_at - floor(p50_at)) as latency_p50_ms,
    min(latency_ms) filter (where rank = floor(p95_at))
        + (min(latency_ms) filter (where rank = ceil(p95_at)) - min(latency_ms) filter (where rank = floor(p95_at)))
        * max(p95_at - floor(p95_at)) as latency_p95_ms
from ranked
group by all;

create or replace table applications as
select app_id, developer_id from read_parquet('{landing}/applications/**/*.parquet');

create or replace table developers as
select developer_id, min_by(account_id, signed_up_at) as account_id
from read_csv('{landing}/signups/*.csv', ignore_errors = true)
group by developer_id;

create or replace table layers_5_6_daily as
select
    r.date_day,
    count(*) as production_requests,
    count(distinct r.app_id) as production_active_applications,
    count(distinct d.account_id) as production_active_accounts,
    avg(case when r.status_code between 200 and 399 then 1.0 else 0.0 end) as production_success_rate,
    count(*) filter (where r.method = 'GET') as get_requests,
    count(*) filter (where r.method in ('POST', 'PUT', 'PATCH')) as value_in_requests
from requests as r
left join applications as a using (app_id)
left join developers as d using (developer_id)
where r.environment = 'production'
group by r.date_day;
