{#-
  Snapshots on Spark's plain Parquet tables. dbt-spark snapshots only Delta,
  Iceberg or Hudi tables, whose jars cannot be downloaded here: it merges the
  new versions into the table, and Parquet cannot update rows. This
  materialization finds the same changes with dbt's own staging query
  (snapshot_staging_table: the versions to insert and the current versions to
  close), writes the whole snapshot again beside it, then overwrites the
  snapshot with that copy (Spark cannot overwrite a table it reads in the same
  statement). A snapshot here is small (one row per account, complete month
  and version), so rewriting it each run costs little. Not supported: new
  columns in the snapshot's query (the table keeps its first columns).
-#}
{% materialization snapshot, adapter='spark' %}
    {%- set identifier = model.get('alias', model.get('name')) -%}
    {%- set exists, target_relation = get_or_create_relation(
        database=none, schema=model.schema, identifier=identifier, type='table') -%}
    {%- if not adapter.check_schema_exists(model.database, model.schema) -%}
        {%- do create_schema(model.schema) -%}
    {%- endif -%}

    {{ run_hooks(pre_hooks) }}

    {%- set strategy = strategy_dispatch(config.get('strategy'))(
        model, 'snapshotted_data', 'source_data', model['config'], exists) -%}
    {%- if not exists -%}
        {%- set final_sql = create_table_as(
            False, target_relation, build_snapshot_table(strategy, model['compiled_code'])) -%}
    {%- else -%}
        {%- set staging = spark_build_snapshot_staging_table(strategy, sql, target_relation) -%}
        {%- set rewritten = api.Relation.create(
            schema=target_relation.schema, identifier=identifier ~ '__dbt_rewritten', type='table') -%}
        {%- do adapter.drop_relation(rewritten) -%}
        {%- call statement('rewrite_snapshot') -%}
            {{ create_table_as(False, rewritten, snapshot_with_changes_sql(target_relation, staging)) }}
        {%- endcall -%}
        {%- set final_sql = 'insert overwrite table ' ~ target_relation ~ ' select * from ' ~ rewritten -%}
    {%- endif -%}

    {% call statement('main') -%}
        {{ final_sql }}
    {%- endcall %}

    {%- if staging is defined -%}
        {%- do adapter.drop_relation(rewritten) -%}
        {%- do post_snapshot(staging) -%}
    {%- endif -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#-
  The snapshot `target` after the changes in `staging` (dbt's snapshot staging
  query): current versions that changed or were deleted get the staging row's
  valid-to, and the new versions are added. The merge dbt-spark runs on Delta.
-#}
{% macro snapshot_with_changes_sql(target, staging) -%}
    {%- set names = config.get('snapshot_table_column_names') or get_snapshot_table_column_names() -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='name') | list -%}
    select
        {% for column in columns -%}
            {%- if column == names.dbt_valid_to -%}
                case when closing.{{ names.dbt_scd_id }} is null then snapshotted.{{ column }}
                    else closing.{{ column }} end as {{ column }}
            {%- else -%}
                snapshotted.{{ column }}
            {%- endif -%}
            {{ ',' if not loop.last }}
        {% endfor %}
    from {{ target }} as snapshotted
    left join (
        select {{ names.dbt_scd_id }}, {{ names.dbt_valid_to }} from {{ staging }}
        where dbt_change_type in ('update', 'delete')
    ) as closing
        on snapshotted.{{ names.dbt_valid_to }} is null
        and closing.{{ names.dbt_scd_id }} = snapshotted.{{ names.dbt_scd_id }}
    union all
    select {{ columns | join(', ') }} from {{ staging }}
    where dbt_change_type = 'insert'
{%- endmacro %}
