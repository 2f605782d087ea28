{#- What the marts recompute this build (macros/incremental_marts.sql): the mentions
    changed since the marts' last build, each with the party it had then (the stored
    int_mention_party, not yet updated: it is built after this model) and the party
    matching gives it now, and the parties of changed steward decisions and register
    codes. One row per (mention_id, party_id); a party's row without mention_id comes
    from a steward decision. Empty when the marts are built whole. -#}
{#- What the incremental branch reads, declared whether or not this build takes it: the
    manifest (and the Airflow DAG drawn from it) is parsed without the marts' vars. -#}
-- depends_on: {{ ref('int_party_mention_change') }}, {{ ref('int_party_mention') }}
-- depends_on: {{ ref('stg_steward__attribute_override') }}, {{ ref('stg_steward__party_status') }}
-- depends_on: {{ ref('stg_core__customer') }}
{{ config(indexes=[{'columns': ['party_id']}, {'columns': ['mention_id']}],
          post_hook=["create schema if not exists events",
                     "create table if not exists events.publish_scope (party_id {{ dbt.type_string() }})",
                     "{{ record_publish_scope() }}"]) }}
{%- set changes_after = var('marts_changes_after', none) -%}
{%- set stored = adapter.get_relation(database=target.database, schema='intermediate',
                                      identifier='int_mention_party') if execute else none -%}
{%- set kept = adapter.get_relation(database=target.database, schema='intermediate',
                                    identifier='int_mart_input') if execute else none -%}
{%- set incremental = changes_after is not none -%}
{%- if incremental and execute and (stored is none or kept is none) -%}
    {{ exceptions.raise_compiler_error(
        "marts_changes_after given but the marts were never built: build them whole") }}
{%- endif -%}

{%- if incremental %}
with inputs as (
    {{ mart_inputs() }}
),

changed_inputs as (
    (select party_id, cust_no, fact from inputs
     except
     select party_id, cust_no, fact from {{ kept }})
    union
    (select party_id, cust_no, fact from {{ kept }}
     except
     select party_id, cust_no, fact from inputs)
),

changed_mentions as (
    select mention_id from {{ ref('int_party_mention_change') }}
    where changed_at > cast('{{ changes_after }}' as timestamp)
    union
    select mention_id from {{ ref('stg_matching__party_mention') }}
    where run_id > '{{ var("marts_runs_after") }}'
    union
    -- a customer whose register codes changed: its core mention's party reads them
    select mention.mention_id from {{ ref('int_party_mention') }} as mention
    where mention.source_system = 'core' and mention.source_entity = 'customer'
        and mention.source_key in (select cust_no from changed_inputs)
),

parties as (
    select changed.mention_id, before.party_id
    from changed_mentions as changed
    inner join {{ stored }} as before on before.mention_id = changed.mention_id
    union
    select changed.mention_id, now.party_id
    from changed_mentions as changed
    inner join {{ ref('stg_matching__party_mention') }} as now
        on now.mention_id = changed.mention_id
)

select mention_id, party_id from parties
union
select cast(null as {{ dbt.type_string() }}), party_id from changed_inputs
where party_id is not null
{%- else %}
-- built whole: nothing to list (the ref keeps matching's assignment upstream)
select cast(mention_id as {{ dbt.type_string() }}) as mention_id,
    cast(party_id as {{ dbt.type_string() }}) as party_id
from {{ ref('stg_matching__party_mention') }}
where 1 = 0
{%- endif %}
