{#-
  Incremental builds by day.

  A days model lists the days to recompute: int_request_days_to_rebuild for
  the request-level models (the default), int_account_days_to_rebuild for the
  account models, which pick its rows by a boolean column (config
  days_to_rebuild=<model>, rebuild_where=<column>). Models configured with
  incremental_strategy='replace_days' and day_column=<column> delete those days
  and insert what their SQL produced for them, so a day that lost all its rows
  is cleared too. The watermark (the newest change already built) advances at
  the end of a dbt run only when the days models and every incremental model
  succeeded: a failed or partial run rebuilds its days again.
-#}

{#- The query of the days the model being built rebuilds (one column, date_day). -#}
{% macro days_to_rebuild_sql(node=none) -%}
    {%- set settings = node.config if node is not none else config -%}
    {%- set days_model = settings.get('days_to_rebuild') or 'int_request_days_to_rebuild' -%}
    {%- set where = settings.get('rebuild_where') -%}
    {%- if node is none -%}
        {%- set relation = ref(days_model) -%}
    {%- else -%}
        {%- set relation = (graph.nodes.values() | selectattr('name', 'equalto', days_model) | first).relation_name -%}
    {%- endif -%}
    select date_day from {{ relation }}{% if where %} where {{ where }}{% endif %}
{%- endmacro %}

{% macro get_incremental_replace_days_sql(arg_dict) -%}
    {%- set day_column = config.require('day_column') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ rebuilt_days_predicate(day_column) }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#-
  On Spark (plain Parquet tables: no row deletes) a replace_days model is
  partitioned by its day column: the partitions of the days to rebuild are
  dropped, then the days' new rows inserted. dbt-spark accepts only its own
  strategies, so its two macros that choose one are extended here; every
  other strategy goes to dbt-spark's own.
-#}
{% macro day_partitions(day_column) -%}
    {{ return(adapter.dispatch('day_partitions', 'hourglass')(day_column)) }}
{%- endmacro %}
{% macro default__day_partitions(day_column) -%}
    {{ return([day_column]) }}
{%- endmacro %}
{% macro duckdb__day_partitions(day_column) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'replace_days' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy != 'replace_days' -%}
        {{ return(dbt.dbt_spark_get_incremental_sql(
            strategy, source, target, existing, unique_key, incremental_predicates)) }}
    {%- endif -%}
    {#- Spark runs one statement per call: the drop runs now, the insert is returned. -#}
    {%- set day_column = config.require('day_column') -%}
    {%- set days = run_query(
        'select distinct date_day from (' ~ days_to_rebuild_sql() ~ ') as days order by 1'
    ).columns[0].values() -%}
    {%- if days | length > 0 -%}
        {%- set partitions = [] -%}
        {%- for day in days -%}
            {%- do partitions.append('partition (' ~ day_column ~ " = date'" ~ day ~ "')") -%}
        {%- endfor -%}
        {%- do run_query('alter table ' ~ target ~ ' drop if exists ' ~ partitions | join(', ')) -%}
    {%- endif -%}
    {{ get_insert_into_sql(source, target) }}
{%- endmacro %}

{#-
  Literal bounds. The days models are built before the models that read them
  (a ref upstream), so a build looks the days' bounds up before the model runs
  and writes them into its SQL as literals: Spark then prunes the day
  partitions outside them when it plans the query, which bounds that a
  subquery yields do not allow (DuckDB skips those row groups either way: it
  pushes a subquery's days into the scan at run time). Where there are no
  tables to ask (parsing, a unit test, whose inputs are given rows),
  lookup_row returns none and the callers fall back to reading the days in a
  subquery.
-#}

{#- The one row of `query`, run now, or none where there are no tables to ask. -#}
{% macro lookup_row(query) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query(query).rows[0]) }}
{%- endmacro %}

{#-
  date_column from `first` through `last` (dates looked up, written as
  literals; no upper bound when last is none), or false when first is none
  (no days).
-#}
{% macro literal_date_range(date_column, first, last=none) -%}
    {%- if first is none -%}
        {{ return('false') }}
    {%- elif last is none -%}
        {{ return(date_column ~ ' >= ' ~ date_literal(first)) }}
    {%- endif -%}
    {{ return(date_column ~ ' between ' ~ date_literal(first) ~ ' and ' ~ date_literal(last)) }}
{%- endmacro %}

{#- A looked-up date (a datetime on an adapter that types it so: its first ten characters) as a literal. -#}
{% macro date_literal(day) -%}
    cast('{{ (day | string)[:10] }}' as date)
{%- endmacro %}

{#-
  The query of the days to rebuild of the model being built (or of `node`)
  as one row: lower_bound, the first day or `start`, an expression of
  first_day (e.g. dbt.dateadd('day', -27, 'first_day')); last_day; and
  is_contiguous, whether the days run without a gap from the first to the last.
-#}
{% macro days_to_rebuild_bounds_sql(start='first_day', node=none) -%}
    select
        cast({{ start }} as date) as lower_bound,
        last_day,
        cast({{ dbt.dateadd('day', 'cast(day_count - 1 as integer)', 'first_day') }} as date) = last_day
            as is_contiguous
    from (
        select
            min(date_day) as first_day,
            max(date_day) as last_day,
            count(distinct date_day) as day_count
        from ({{ days_to_rebuild_sql(node) }}) as days
    ) as bounds
{%- endmacro %}

{#-
  date_column is a day to rebuild of the model being built (or of `node`):
  between the days' literal bounds, which prune the scan, and, only when the
  days have gaps, also in the days (a semi-join with the small days model,
  probed by the rows within the bounds alone). A literal list of the days
  would be exact too, but as long as the days are many (a full history).
-#}
{% macro rebuilt_days_predicate(day_column, node=none) -%}
    {%- set bounds = lookup_row(days_to_rebuild_bounds_sql(node=node)) -%}
    {%- if bounds is none -%}
        {{ day_column }} in ({{ days_to_rebuild_sql(node) }})
    {%- else -%}
        {{ literal_date_range(day_column, bounds[0], bounds[1]) }}
        {%- if bounds[0] is not none and not bounds[2] %} and {{ day_column }} in ({{ days_to_rebuild_sql(node) }}){% endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
  In an incremental build, keep only rows of the days to rebuild; with key and
  relation, keep every row whose key has some row of `relation` on those days
  (the scan of `relation` is bounded by the days, the other one cannot be: a
  key's rows may lie on any day).
-#}
{% macro on_days_to_rebuild(day_column, key=none, relation=none) -%}
    {%- if not is_incremental() -%}
        true
    {%- elif key is none -%}
        {{ rebuilt_days_predicate(day_column) }}
    {%- else -%}
        {{ key }} in (
            select {{ key }} from {{ relation }}
            where {{ rebuilt_days_predicate(day_column) }}
        )
    {%- endif -%}
{%- endmacro %}

{#-
  In an incremental build, keep only rows on or after `start`, an expression of
  first_day (the first day to rebuild): the inputs that the windows ending on
  the days to rebuild read, e.g. dbt.dateadd('day', -27, 'first_day'). No upper
  bound: a window ending on a day to rebuild reads no later day, but a model
  may read the complement (`not since_days_to_rebuild(...)`: days before).
-#}
{% macro since_days_to_rebuild(day_column, start='first_day') -%}
    {%- if not is_incremental() -%}
        true
    {%- else -%}
        {%- set bounds = lookup_row(days_to_rebuild_bounds_sql(start)) -%}
        {%- if bounds is none -%}
            {{ day_column }} >= (select lower_bound from ({{ days_to_rebuild_bounds_sql(start) }}) as bounds)
        {%- else -%}
            {{ literal_date_range(day_column, bounds[0]) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The watermark table (Spark has no database above its schemas). -#}
{% macro request_watermark_relation() -%}
    {{ return(load_relation(api.Relation.create(
        database=target.get('database'), schema='staging', identifier='request_build_watermark'))) }}
{%- endmacro %}

{#- on-run-end: record how far loader changes are built, if everything that uses them succeeded. -#}
{% macro record_request_watermark(results) -%}
    {%- if execute -%}
        {%- set succeeded = [] -%}
        {%- for result in results if result.status == 'success' -%}
            {%- do succeeded.append(result.node.unique_id) -%}
        {%- endfor -%}
        {%- set required = [] -%}
        {%- set days = [] -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
            {%- if node.name in ('int_request_days_to_rebuild', 'int_account_days_to_rebuild') -%}
                {%- do days.append('select changes_through from ' ~ node.relation_name) -%}
                {%- do required.append(node.unique_id) -%}
            {%- elif node.config.materialized == 'incremental' -%}
                {%- do required.append(node.unique_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- one statement per call: Spark runs no scripts -#}
        {%- if required | reject('in', succeeded) | list | length == 0 -%}
            {%- do run_query(
                'create table if not exists staging.request_build_watermark (processed_through '
                ~ type_utc_timestamp() ~ ')'
            ) -%}
            {%- do run_query(
                'insert into staging.request_build_watermark select max(changes_through) from ('
                ~ days | join(' union all ') ~ ') as days having max(changes_through) is not null'
            ) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
  Data tests of the models incremental by day check, in an incremental build,
  only the days it rebuilt: the other days are unchanged since the build that
  tested them (and a request's copies on other days are rebuilt with it, see
  int_request_days_to_rebuild). A full refresh, or the var full_tests (the
  weekly run), tests every row. dbt applies this to every generic test's model,
  with the test's own `where` config as dbt does.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append(config.get('where')) -%}
    {%- endif -%}
    {%- set days = rebuilt_days_condition() -%}
    {%- if days -%}
        {%- do conditions.append(days) -%}
    {%- endif -%}
    {%- if conditions -%}
        (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{% macro rebuilt_days_condition() -%}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if tested is none or tested.config.materialized != 'incremental'
        or not tested.config.get('day_column') -%}
        {{ return(none) }}
    {%- endif -%}
    {#- not built (dbt compile or docs generate before a build): no days to look up, nor to test -#}
    {%- if adapter.get_relation(tested.database, tested.schema, tested.alias) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(rebuilt_days_predicate(tested.config.get('day_column'), tested)) }}
{%- endmacro %}
