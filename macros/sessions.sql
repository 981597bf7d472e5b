{#-
  End-user sessions (funnel layer 10; docs/analyst_guide.md, "End-user
  sessions"): a session is a maximal run of one end user's production requests with no gap over
  var('session_gap_minutes') between consecutive requests.

  Incremental builds. Requests change only on the days to rebuild
  (int_request_days_to_rebuild). A change on day d can only touch a session
  that reaches into the window from d - gap to the end of d + gap: a request
  outside every such window is more than the gap away from any changed
  request. So an incremental build deletes the sessions that touch a window
  and sessionises again the requests that can form their replacements: the
  requests inside the windows and those of the deleted sessions (a session
  that crosses a window edge keeps its requests outside it). Each run of
  requests so gathered starts and ends where a session of the new data does,
  so the sessions it forms are exactly the new sessions that touch a window.
-#}

{#- Does the span from start_column to end_column (timestamps) come within the gap of a day to rebuild? -#}
{#- The window a day to rebuild (a row `rebuilt` of int_request_days_to_rebuild) reaches:
    (start, end) timestamp expressions, the day widened by the gap on both sides. -#}
{% macro rebuilt_day_window() -%}
    {%- set gap = var('session_gap_minutes') -%}
    {%- set day_start = 'cast(rebuilt.date_day as timestamp)' -%}
    {{ return((dbt.dateadd('minute', -gap, day_start), dbt.dateadd('minute', gap, dbt.dateadd('day', 1, day_start)))) }}
{%- endmacro %}

{% macro touches_days_to_rebuild(start_column, end_column) -%}
    {%- set window = rebuilt_day_window() -%}
    exists (
        select 1 from {{ ref('int_request_days_to_rebuild') }} as rebuilt
        where
            {{ start_column }} <= {{ window[1] }}
            and {{ end_column }} >= {{ window[0] }}
    )
{%- endmacro %}

{#-
  incremental_strategy='replace_sessions': delete the sessions that touch the
  days to rebuild, insert the model's rows (the sessions that replace them).
-#}
{% macro get_incremental_replace_sessions_sql(arg_dict) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ touches_days_to_rebuild('started_at', 'ended_at') }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#-
  A predicate on date_column (a request's date) that an incremental sessions
  build's requests satisfy: the dates of the days to rebuild widened by the gap,
  and of the spans of the sessions that touch them (true on a full build, false
  when nothing is rebuilt), as literal bounds (lookup_row, macros/incremental.sql)
  so that a one-day build reads the requests of a few days, not all of them. A
  unit test has no tables to ask: its few given rows are read whole.
-#}
{% macro sessions_request_dates_filter(date_column) -%}
    {%- if not is_incremental() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set window = rebuilt_day_window() -%}
    {%- set query -%}
        select
            cast(min(span_start) as date) as first_date,
            cast(max(span_end) as date) as last_date
        from (
            select
                {{ window[0] }} as span_start,
                {{ window[1] }} as span_end
            from {{ ref('int_request_days_to_rebuild') }} as rebuilt
            union all
            select started_at as span_start, ended_at as span_end
            from {{ this }}
            where {{ touches_days_to_rebuild('started_at', 'ended_at') }}
        ) as spans
    {%- endset -%}
    {%- set row = lookup_row(query) -%}
    {{ return('true' if row is none else literal_date_range(date_column, row[0], row[1])) }}
{%- endmacro %}
