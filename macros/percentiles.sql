{#-
  Exact continuous percentiles over sorted rows, for aggregations with many
  small groups. An engine's percentile aggregate keeps every value of every
  group in memory at once (DuckDB's quantile_cont ran out of memory on 100M
  requests under an 8 GB limit); a window sort spills to disk instead.

  Select rank_within_group() beside each row (it adds value_rank and
  group_size), then aggregate with percentile_of_ranked(). The interpolation
  is quantile_cont's: with n values sorted ascending and position (n - 1) * p,
  the value at floor(position) plus the fraction of the way to the value at
  ceil(position).
-#}

{#- Columns to select beside the row: its 0-based rank by `value` within the group, and the group's size. -#}
{% macro rank_within_group(value, group_by) -%}
    {{ return(adapter.dispatch('rank_within_group', 'hourglass')(value, group_by)) }}
{%- endmacro %}
{% macro default__rank_within_group(value, group_by) -%}
    row_number() over (partition by {{ group_by }} order by {{ value }}) - 1 as value_rank,
    count(*) over (partition by {{ group_by }}) as group_size
{%- endmacro %}
{% macro duckdb__rank_within_group(value, group_by) -%}
    {#- one window spec (with a whole-partition frame) for both, so DuckDB sorts once #}
    {%- set window -%}
        partition by {{ group_by }} order by {{ value }}
        rows between unbounded preceding and unbounded following
    {%- endset %}
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
