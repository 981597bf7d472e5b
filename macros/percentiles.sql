{#-
  Exact continuous percentiles over sorted rows, for aggregations with many
  small groups. An engine's percentile aggregate keeps every value of every
  group in memory at once (DuckDB's quantile_cont ran out of memory on 100M
  requests under an 8 GB limit); a window sort spills to disk instead.

  Rank the rows of each group with latency_rank(), then aggregate with
  percentile_of_ranked(). The interpolation is quantile_cont's: with n values
  sorted ascending and position (n - 1) * p, the value at floor(position) plus
  the fraction of the way to the value at ceil(position).
-#}

{#- Columns to select beside the row: its 0-based rank by `value` within the group, and the group's size. -#}
{% macro rank_within_group(value, group_by) -%}
    {%- set window -%}
        partition by {{ group_by }} order by {{ value }}
        rows between unbounded preceding and unbounded following
    {%- endset %}
    {#- one window spec for both, so the engine sorts once #}
    row_number() over ({{ window }}) - 1 as value_rank,
    count(*) over ({{ window }}) as group_size
{%- endmacro %}

{#- The p-th percentile (0 <= p <= 1) of `value` in a group ranked by rank_within_group(). -#}
{% macro percentile_of_ranked(value, p) -%}
    {%- set position = '(group_size - 1) * cast(' ~ p ~ ' as double)' -%}
    {%- set lower = 'min(case when value_rank = floor(' ~ position ~ ') then ' ~ value ~ ' end)' -%}
    {%- set upper = 'min(case when value_rank = ceil(' ~ position ~ ') then ' ~ value ~ ' end)' -%}
    {{ lower }} + ({{ upper }} - {{ lower }}) * max({{ position }} - floor({{ position }}))
{%- endmacro %}
