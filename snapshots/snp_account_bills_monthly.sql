{#-
  The bills of complete months as each run saw them (docs/metrics.md, "Value
  metrics and bills", restatements): a new version of an account-month whenever its bill_usd
  changes, stamped with the run that saw it (the HOURGLASS_RUN_ID environment
  variable, which the nightly job sets to its run id; null when dbt runs by
  hand; not a dbt var, whose change every run would void dbt's partial parse).
  The running month is left out: its bill grows every day until it is complete.
-#}
{% snapshot snp_account_bills_monthly %}
    {%- set run_id = env_var('HOURGLASS_RUN_ID', '') -%}
    {#- on Spark: macros/spark_snapshots.sql (plain Parquet tables) -#}
    {{ config(
        schema='snapshots',
        unique_key=['account_id', 'month_start'],
        strategy='check',
        check_cols=['bill_usd'],
    ) }}

    select
        account_id,
        month_start,
        bill_usd,
        cast({{ "'" ~ run_id ~ "'" if run_id else 'null' }} as {{ dbt.type_string() }})
            as published_version
    from {{ ref('fct_account_billing_monthly') }}
    where is_month_complete

{% endsnapshot %}
