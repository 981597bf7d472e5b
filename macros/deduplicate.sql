{#-
  The contract's rule for repeated rows (CONTRACT.md section 1): of the copies
  of `key`, the one with the earliest `ordered_by` wins, then the first file by
  relative path in byte order, then the first row. 1 marks the winner.
-#}
{% macro first_copy_rank(key, ordered_by) -%}
    row_number() over (
        partition by {{ key }}
        order by {{ ordered_by }} asc nulls last, _file asc, _row_number asc
    )
{%- endmacro %}
