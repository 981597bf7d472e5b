{#-
  on-run-start: where the raw tables come from. On DuckDB the loaders write
  them into the working database, so there is nothing to do. Elsewhere (Spark)
  each raw table is the Parquet folder hourglass/raw_export.py writes under
  HOURGLASS_RAW_PARQUET_DIR, registered afresh as an external table (dropping
  an external table keeps its files), so a new export's files and columns are
  what every run reads.
-#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'hourglass')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
    {%- if execute -%}
        {%- set directory = env_var('HOURGLASS_RAW_PARQUET_DIR', 'data/work/raw') -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- do run_query('drop table if exists ' ~ source.relation_name) -%}
            {%- do run_query(
                'create table ' ~ source.relation_name ~ " using parquet location '"
                ~ directory ~ '/' ~ source.name ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__register_raw_tables() -%}
{%- endmacro %}
