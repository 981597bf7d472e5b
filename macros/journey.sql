{#-
  The stages of the developer journey in order, each with the milestone column
  of fct_developer_journey that marks it (docs/metrics.md, "Developer journey").
-#}
{% macro journey_stages() -%}
    {{ return([
        ('signed_up', 'signed_up_at'),
        ('created_application', 'first_application_at'),
        ('sandbox_hello_world', 'first_sandbox_success_at'),
        ('certified', 'certified_at'),
        ('production_success', 'first_production_success_at'),
    ]) }}
{%- endmacro %}
