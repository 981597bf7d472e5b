{#-
  A count added up over rows, a group or a window (`window`: the window's
  specification, e.g. "partition by a order by d rows between 6 preceding and
  current row"), as BIGINT and 0 where there is nothing to add: the contract's
  rule that a count is 0 on a day nothing happened, also for a window that
  reaches before an account existed. DuckDB sums integers into HUGEINT, which
  many BI drivers cannot read.
-#}
{% macro count_sum(expression, window=none) -%}
    cast(coalesce(sum({{ expression }}){% if window %} over ({{ window }}){% endif %}, 0) as {{ dbt.type_bigint() }})
{%- endmacro %}
