{#-
  The funnel's layers in order, each with its model and its metrics: the
  model's columns after date_day, in the order of its YAML
  (models/marts/funnel/_funnel__models.yml), where each layer model enforces
  its contract. Adding a metric is a column in the layer's SQL and its YAML,
  documented there; the build fails naming a column that is in one and not the
  other. fct_funnel_daily unpivots these, and the singular test
  assert_funnel_daily_has_every_metric_every_day checks them.
-#}
{% macro funnel_layer_metrics() -%}
    {%- set layers = [
        (1, 'fct_funnel_l01_awareness'),
        (2, 'fct_funnel_l02_developers_and_applications'),
        (3, 'fct_funnel_l03_sandbox_activity'),
        (4, 'fct_funnel_l04_certification'),
        (5, 'fct_funnel_l05_production_activity'),
        (6, 'fct_funnel_l06_value_generation'),
        (7, 'fct_funnel_l07_operational_activity'),
        (8, 'fct_funnel_l08_audits'),
        (9, 'fct_funnel_l09_showcase'),
        (10, 'fct_funnel_l10_end_users'),
    ] -%}
    {%- set result = [] -%}
    {%- for layer_number, model in layers -%}
        {%- set metrics = [] -%}
        {#- the graph (and with it the YAML's columns) exists once parsing is done -#}
        {%- if execute -%}
            {%- for column in graph.nodes['model.' ~ project_name ~ '.' ~ model].columns -%}
                {%- if column != 'date_day' -%}{%- do metrics.append(column) -%}{%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do result.append((layer_number, model, metrics)) -%}
    {%- endfor -%}
    {{ return(result) }}
{%- endmacro %}
