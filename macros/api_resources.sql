{#-
  The API resource of a path, compiled from seeds/api_resources.csv into one
  CASE expression: the first matching row in file order wins, else 'other'.
  Evaluating a CASE per request is far cheaper than joining every request to
  the patterns. The seed must be built first (the model declares depends_on).
-#}
{% macro api_resource(path_column) -%}
    {%- if execute -%}
        {%- set rows = run_query(seed_in_file_order(ref('api_resources'), 'resource, path_pattern')).rows -%}
    {%- else -%}
        {%- set rows = [] -%}
    {%- endif -%}
    case
    {%- for row in rows %}
        when {{ regex_matches(path_column, "'" ~ row[1] | replace("'", "''") ~ "'") }} then '{{ row[0] }}'
    {%- endfor %}
        else 'other'
    end
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
