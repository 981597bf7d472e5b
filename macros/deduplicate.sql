{#-
  The rule for repeated rows (docs/landing_zone.md, "Value rules", repeats): of
  the copies of `key`, the one with the earliest `ordered_by` wins, then the first
  file by relative path in byte order, then the first row. 1 marks the winner.
  file_column and row_column name the landing file and row where staging renamed them.
-#}
{% macro first_copy_rank(key, ordered_by, file_column='_file', row_column='_row_number') -%}
    row_number() over (
        partition by {{ key }}
        order by {{ ordered_by }} asc nulls last, {{ file_column }} asc, {{ row_column }} asc
    )
{%- endmacro %}
