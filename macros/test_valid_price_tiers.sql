{#-
  Generic test on seeds/plan_tiers.csv (`model`) against the plan catalogue
  (`plans`; docs/customer_success_guide.md, "Price models, each with a worked
  bill"): every graduated or volume plan has tiers numbered 1, 2, 3, ... whose
  up_to_quantity increases, empty on the last tier only; tiers belong to
  graduated or volume plans of the catalogue. A problem stops the run with one
  error naming every plan at fault and why (a failing test would only count
  rows).
-#}
{% test valid_price_tiers(model, plans) %}
with

tiers as (
    select
        plan_id,
        tier,
        up_to_quantity,
        row_number() over (partition by plan_id order by tier) as position,
        count(*) over (partition by plan_id) as tiers,
        lag(up_to_quantity) over (partition by plan_id order by tier) as previous_up_to
    from {{ model }}
),

catalogue as (
    select
        plan_id,
        coalesce(price_model, 'per_block') as price_model
    from {{ plans }}
),

problems as (
    select
        catalogue.plan_id,
        catalogue.price_model || ' plan has no tiers' as problem
    from catalogue
    where
        catalogue.price_model in ('graduated', 'volume')
        and not exists (select 1 from tiers where tiers.plan_id = catalogue.plan_id)
    union all
    select
        tiers.plan_id,
        case
            when catalogue.plan_id is null then 'is not in seeds/plans.csv'
            when catalogue.price_model not in ('graduated', 'volume')
                then 'has tiers but its price_model is ' || catalogue.price_model
            when tiers.tier is null or tiers.tier <> tiers.position
                then 'tiers are not numbered 1, 2, 3, ... (found tier '
                || coalesce(cast(tiers.tier as {{ dbt.type_string() }}), 'empty')
                || ' in position ' || cast(tiers.position as {{ dbt.type_string() }}) || ')'
            when tiers.position < tiers.tiers and tiers.up_to_quantity is null
                then 'tier ' || cast(tiers.tier as {{ dbt.type_string() }})
                || ' has an empty up_to_quantity but is not the last tier'
            when tiers.position = tiers.tiers and tiers.up_to_quantity is not null
                then 'the last tier (' || cast(tiers.tier as {{ dbt.type_string() }})
                || ') has an up_to_quantity; it must be empty (no upper bound)'
            when tiers.up_to_quantity <= coalesce(tiers.previous_up_to, 0)
                then 'tier ' || cast(tiers.tier as {{ dbt.type_string() }})
                || ' does not increase: its up_to_quantity '
                || cast(cast(tiers.up_to_quantity as double) as {{ dbt.type_string() }})
                || ' is not above '
                || cast(cast(coalesce(tiers.previous_up_to, 0) as double) as {{ dbt.type_string() }})
        end as problem
    from tiers
    left join catalogue on tiers.plan_id = catalogue.plan_id
),

report as (
    select
        {{ dbt.listagg(
            "'plan ' || plan_id || ': ' || problem",
            "'; '",
            "order by plan_id, problem"
        ) }} as message
    from problems
    where problem is not null
    having count(*) > 0
)

select message
from report
where {{ raise_error("'seeds/plan_tiers.csv: ' || message") }} is null
{% endtest %}
