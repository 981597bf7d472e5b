{#- SQL that differs between engines, dispatched per adapter (DuckDB, and Spark as default__). -#}

{#- A TIMESTAMPTZ (or engine equivalent) as a plain UTC timestamp. -#}
{% macro utc_timestamp(column) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'hourglass')(column)) }}
{%- endmacro %}
{% macro default__utc_timestamp(column) -%}
    to_utc_timestamp({{ column }}, 'UTC')
{%- endmacro %}
{% macro duckdb__utc_timestamp(column) -%}
    timezone('UTC', {{ column }})
{%- endmacro %}

{#- Continuous percentile of a column (p between 0 and 1), as an aggregate. -#}
{% macro percentile(column, p) -%}
    {{ return(adapter.dispatch('percentile', 'hourglass')(column, p)) }}
{%- endmacro %}
{% macro default__percentile(column, p) -%}
    percentile({{ column }}, {{ p }})
{%- endmacro %}
{% macro duckdb__percentile(column, p) -%}
    quantile_cont({{ column }}, {{ p }})
{%- endmacro %}

{#- Salted SHA-256 of a personal field: joinable, not readable. -#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii', 'hourglass')(column)) }}
{%- endmacro %}
{% macro default__hash_pii(column) -%}
    sha2(concat('{{ var("pii_salt") }}', lower(trim({{ column }}))), 256)
{%- endmacro %}
{% macro duckdb__hash_pii(column) -%}
    sha256(concat('{{ var("pii_salt") }}', lower(trim({{ column }}))))
{%- endmacro %}

{#- Does a string match a regular expression (anywhere in it)? -#}
{% macro regex_matches(column, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'hourglass')(column, pattern)) }}
{%- endmacro %}
{% macro default__regex_matches(column, pattern) -%}
    {{ column }} rlike {{ pattern }}
{%- endmacro %}
{% macro duckdb__regex_matches(column, pattern) -%}
    regexp_matches({{ column }}, {{ pattern }})
{%- endmacro %}

{#- Microseconds from one timestamp to another, as an exact integer (bigint). -#}
{% macro microseconds_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('microseconds_between', 'hourglass')(start_column, end_column)) }}
{%- endmacro %}
{% macro default__microseconds_between(start_column, end_column) -%}
    (unix_micros({{ end_column }}) - unix_micros({{ start_column }}))
{%- endmacro %}
{% macro duckdb__microseconds_between(start_column, end_column) -%}
    (epoch_us({{ end_column }}) - epoch_us({{ start_column }}))
{%- endmacro %}

{#- The distinct values of a text column in a group, sorted and joined by ', ' (an aggregate). -#}
{% macro sorted_distinct_text(column) -%}
    {{ return(adapter.dispatch('sorted_distinct_text', 'hourglass')(column)) }}
{%- endmacro %}
{% macro default__sorted_distinct_text(column) -%}
    array_join(array_sort(collect_set({{ column }})), ', ')
{%- endmacro %}
{% macro duckdb__sorted_distinct_text(column) -%}
    string_agg(distinct {{ column }}, ', ' order by {{ column }})
{%- endmacro %}

{#- Hours between two timestamps, as a double with full precision (a decimal literal divisor
    would make Spark round to a decimal). -#}
{% macro hours_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('hours_between', 'hourglass')(start_column, end_column)) }}
{%- endmacro %}
{% macro default__hours_between(start_column, end_column) -%}
    (unix_micros({{ end_column }}) - unix_micros({{ start_column }})) / cast(3600000000 as double)
{%- endmacro %}
{% macro duckdb__hours_between(start_column, end_column) -%}
    (epoch_us({{ end_column }}) - epoch_us({{ start_column }})) / cast(3600000000 as double)
{%- endmacro %}

{#- One row per day from start_column through end_column (dates) of a one-row relation. -#}
{% macro days_between(relation, start_column, end_column) -%}
    {{ return(adapter.dispatch('days_between', 'hourglass')(relation, start_column, end_column)) }}
{%- endmacro %}
{% macro default__days_between(relation, start_column, end_column) -%}
    select explode(sequence({{ start_column }}, {{ end_column }}, interval 1 day)) as date_day
    from {{ relation }}
{%- endmacro %}
{% macro duckdb__days_between(relation, start_column, end_column) -%}
    select cast(unnest(generate_series(
        cast({{ start_column }} as timestamp), cast({{ end_column }} as timestamp), interval 1 day
    )) as date) as date_day
    from {{ relation }}
{%- endmacro %}

{#- A number as text with thousands separators and the given decimals, for sentences. -#}
{% macro format_number(expression, decimals=0) -%}
    {{ return(adapter.dispatch('format_number', 'hourglass')(expression, decimals)) }}
{%- endmacro %}
{% macro default__format_number(expression, decimals=0) -%}
    format_number({{ expression }}, {{ decimals }})
{%- endmacro %}
{% macro duckdb__format_number(expression, decimals=0) -%}
    format('{:,.{{ decimals }}f}', cast({{ expression }} as double))
{%- endmacro %}

{#-
  Marks a CTE to be inlined where it is used rather than computed once and
  stored: DuckDB stores a CTE read more than once, which for a CTE over a whole
  raw table means copying it (at 100M requests, most of an incremental run).
  Use as `name as {{ inline_cte() }} (...)`.
-#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'hourglass')()) }}
{%- endmacro %}
{% macro default__inline_cte() -%}
{%- endmacro %}
{% macro duckdb__inline_cte() -%}
    not materialized
{%- endmacro %}

{#- The column type of an instant stored in UTC: DuckDB's TIMESTAMPTZ, Spark's TIMESTAMP. -#}
{% macro type_utc_timestamp() -%}
    {{ return(adapter.dispatch('type_utc_timestamp', 'hourglass')()) }}
{%- endmacro %}
{% macro default__type_utc_timestamp() -%}
    timestamp
{%- endmacro %}
{% macro duckdb__type_utc_timestamp() -%}
    timestamptz
{%- endmacro %}

{#- Whole days from start_date to end_date, as BIGINT on every engine (Spark's datediff gives INT). -#}
{% macro day_difference(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Fails the query with `message` (a SQL string expression) for each row where it is evaluated. -#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error', 'hourglass')(message)) }}
{%- endmacro %}
{% macro default__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}
{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{#- Arrays of structs, for a recursive CTE that carries a group's rows in one row (Spark refuses
    windows and aggregates over a recursive reference). fields: a dict of name -> expression,
    in order. -#}
{% macro struct_of(fields) -%}
    {{ return(adapter.dispatch('struct_of', 'hourglass')(fields)) }}
{%- endmacro %}
{% macro default__struct_of(fields) -%}
    named_struct({% for name, expression in fields.items() %}'{{ name }}', {{ expression }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}
{% macro duckdb__struct_of(fields) -%}
    struct_pack({% for name, expression in fields.items() %}{{ name }} := {{ expression }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- Each element of an array mapped by an expression of `element` (a lambda). -#}
{% macro array_map(array, element, expression) -%}
    {{ return(adapter.dispatch('array_map', 'hourglass')(array, element, expression)) }}
{%- endmacro %}
{% macro default__array_map(array, element, expression) -%}
    transform({{ array }}, {{ element }} -> {{ expression }})
{%- endmacro %}
{% macro duckdb__array_map(array, element, expression) -%}
    list_transform({{ array }}, lambda {{ element }}: {{ expression }})
{%- endmacro %}

{#- The sum of a DECIMAL(18,2) expression of `element` over an array's elements (0 when empty). -#}
{% macro array_sum_money(array, element, expression) -%}
    {{ return(adapter.dispatch('array_sum_money', 'hourglass')(array, element, expression)) }}
{%- endmacro %}
{% macro default__array_sum_money(array, element, expression) -%}
    aggregate({{ array }}, cast(0 as decimal(38, 2)), (total, {{ element }}) -> total + {{ expression }})
{%- endmacro %}
{% macro duckdb__array_sum_money(array, element, expression) -%}
    coalesce(list_sum(list_transform({{ array }}, lambda {{ element }}: {{ expression }})), 0)
{%- endmacro %}

{#- One row per element of an array column (a select-list expression). -#}
{% macro explode_array(array) -%}
    {{ return(adapter.dispatch('explode_array', 'hourglass')(array)) }}
{%- endmacro %}
{% macro default__explode_array(array) -%}
    explode({{ array }})
{%- endmacro %}
{% macro duckdb__explode_array(array) -%}
    unnest({{ array }})
{%- endmacro %}
