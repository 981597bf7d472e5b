{#-
  The API resource of a path, compiled from seeds/api_resources.csv into one
  CASE expression: the first matching row in file order wins, else 'other'.
  Evaluating a CASE per request is far cheaper than joining every request to
  the patterns. The seed must be built first (the model declares depends_on);
  only a compile without a warehouse (the linter's) renders without it.
-#}
{% macro api_resource(path_column) -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- set seed = load_relation(ref('api_resources')) -%}
        {%- if seed is not none -%}
            {%- set rows = run_query(seed_in_file_order(seed, 'resource, path_pattern')).rows -%}
        {%- elif flags.WHICH in ('run', 'build') -%}
            {{ exceptions.raise_compiler_error("seed api_resources is not built: run `dbt seed` first") }}
        {%- endif -%}
    {%- endif -%}
    {%- if rows | length == 0 -%}
    'other'
    {%- else -%}
    case
    {%- for row in rows %}
        when {{ regex_matches(path_column, "'" ~ row[1] | replace("'", "''") ~ "'") }} then '{{ row[0] }}'
    {%- endfor %}
        else 'other'
    end
    {%- endif -%}
{%- endmacro %}

{#- A seed's rows in the order of its file (dbt loads seeds in file order). -#}
{% macro seed_in_file_order(relation, columns) -%}
    {{ return(adapter.dispatch('seed_in_file_order', 'hourglass')(relation, columns)) }}
{%- endmacro %}
{% macro default__seed_in_file_order(relation, columns) -%}
    select {{ columns }} from {{ relation }}
{%- endmacro %}
{% macro duckdb__seed_in_file_order(relation, columns) -%}
    select {{ columns }} from {{ relation }} order by rowid
{%- endmacro %}
