{#- The current state kept incrementally (issue 18). Each night dbt reads only the
    batches landed since the last successful staging build: `staging.processed_batch`
    (written as the build's last node) lists the batches, with their load time, that
    the staging tables already reflect; a batch of raw.landing_batch not listed there
    with the same load time is pending. Per source entity:
      stg_<system>__<entity>_disposition  what became of every raw row (row_disposition),
                                          recomputed for the keys the pending rows touch
      stg_<system>__<entity>              the CURRENT rows, replaced for those keys
    An entity is rebuilt from all its raw rows instead when a delta could not say what
    changed: its first build, a pending FULL batch (it replaces the whole state), a
    re-landed or removed batch (`--rerun`, a quarantined one), or an erasure (it forgets the entity's
    processed batches). Either way the tables equal a build from scratch. -#}

{% macro processed_batch_relation() -%}
    {{ return(adapter.get_relation(
        database=target.database, schema=generate_schema_name('staging', none) | trim,
        identifier='processed_batch')) }}
{%- endmacro %}

{#- Whether this model must rebuild the entity's part from all raw rows. -#}
{% macro entity_rebuild(system, entity) -%}
    {{ return(not is_incremental() or batches_need_rebuild(system, entity)) }}
{%- endmacro %}

{#- Whether the pending batches of the entity call for a rebuild (see above). -#}
{% macro batches_need_rebuild(system, entity) -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set processed = processed_batch_relation() -%}
    {%- if processed is none -%}{{ return(true) }}{%- endif -%}
    {%- set query -%}
        with landed as (
            select batch_id, extract_type, loaded_at from {{ source('landing', 'landing_batch') }}
            where system = '{{ system }}' and entity = '{{ entity }}' and status = 'LOADED'
        ),
        done as (
            select batch_id, loaded_at from {{ processed }}
            where system = '{{ system }}' and entity = '{{ entity }}'
        )
        select count(*) from (
            select 1 as reason from done having count(*) = 0
            union all
            select 1 from done where not exists (
                select 1 from landed
                where landed.batch_id = done.batch_id and landed.loaded_at = done.loaded_at)
            union all
            select 1 from landed where extract_type = 'FULL' and not exists (
                select 1 from done
                where done.batch_id = landed.batch_id and done.loaded_at = landed.loaded_at)
        ) as reasons
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- The entity's batches landed since the last successful staging build. -#}
{% macro pending_batch_ids(system, entity) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set query -%}
        select batch_id from {{ source('landing', 'landing_batch') }} as landed
        where system = '{{ system }}' and entity = '{{ entity }}' and status = 'LOADED'
          and not exists (
            select 1 from {{ processed_batch_relation() }} as done
            where done.batch_id = landed.batch_id and done.loaded_at = landed.loaded_at)
        order by batch_id
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- Values as an SQL list for `in (...)`; `null` (matches nothing) when empty. -#}
{% macro sql_list(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- else -%}
        null
    {%- endfor -%}
{%- endmacro %}

{% macro disposition_relation(system, entity) -%}
    {{ return(ref('stg_' ~ system ~ '__' ~ entity ~ '_disposition')) }}
{%- endmacro %}

{#- The keys the pending batches touch (their rows' dispositions were recomputed). -#}
{% macro touched_keys(system, entity) -%}
    select _key from {{ disposition_relation(system, entity) }}
    where _batch_id in ({{ sql_list(pending_batch_ids(system, entity)) }})
{%- endmacro %}

{#- stg_<system>__<entity>_disposition: one row per raw row with its disposition. -#}
{% macro disposition_model(system, entity, key) -%}
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key='_key',
    pre_hook="{{ clear_when_rebuilding('" ~ system ~ "', '" ~ entity ~ "') }}",
    indexes=[{'columns': ['_key']}, {'columns': ['_batch_id', '_row_number']}]) }}
{%- set rebuild = entity_rebuild(system, entity) -%}
{%- set pending = [] if rebuild else pending_batch_ids(system, entity) -%}
with landed as (
    select {{ clean_text(key) }} as _key, _batch_id, _row_number, _business_date,
        _extract_type, op
    from {{ source(system, entity) }}
    -- a quarantined batch (ecif.quarantine) stays in raw but out of the state
    where _batch_id not in (select batch_id from {{ source('landing', 'landing_batch') }}
                            where status = 'QUARANTINED')
    {%- if not rebuild %}
    and _batch_id in ({{ sql_list(pending) }})
    {%- endif %}
),

history as (
    select * from landed
    {%- if not rebuild %}
    -- the touched keys' earlier rows: a new row can supersede, delete or revive them
    union all
    select _key, _batch_id, _row_number, _business_date, _extract_type, op
    from {{ this }}
    where _key in (select _key from landed) and _batch_id not in ({{ sql_list(pending) }})
    {%- endif %}
),

dispositions as (
    {{ row_disposition('select * from history',
        "select coalesce(max(_business_date), '00000000') as business_date from "
        ~ ('history' if rebuild else this) ~ " where _extract_type = 'FULL'") }}
)

select _key, _batch_id, _row_number, _business_date, _extract_type, op, _disposition
from dispositions
{%- endmacro %}

{#- The raw rows that are their key's current state: all when rebuilding, else those
    of the touched keys (the pre-hook `clear_touched_keys` removed their old rows). -#}
{% macro current_rows(system, entity) -%}
{%- set dispositions = disposition_relation(system, entity) -%}
{%- set rebuild = entity_rebuild(system, entity) -%}
select raw_rows.*
from {{ source(system, entity) }} as raw_rows
inner join {{ dispositions }} as dispositions
    on dispositions._batch_id = raw_rows._batch_id
    and dispositions._row_number = raw_rows._row_number
where dispositions._disposition = 'CURRENT'
{%- if not rebuild %}
    {%- set touched = touched_keys(system, entity) %}
    and dispositions._key in ({{ touched }})
    {%- if execute %}
    {%- set batches = run_query("select distinct _batch_id from " ~ dispositions
        ~ " where _disposition = 'CURRENT' and _key in (" ~ touched ~ ")") %}
    -- named, so that only those batches of the raw table are read
    and raw_rows._batch_id in ({{ sql_list(batches.columns[0].values()) }})
    {%- endif %}
{%- endif %}
{%- endmacro %}

{#- Pre-hooks: what an incremental run removes before it inserts the new state. -#}
{% macro clear_when_rebuilding(system, entity) -%}
    {%- if is_incremental() and entity_rebuild(system, entity) -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{% macro clear_touched_keys(system, entity, key) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        {%- if not entity_rebuild(system, entity) %}
        where {{ key }} in ({{ touched_keys(system, entity) }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- Config of a staging model over a source entity. -#}
{% macro incremental_staging(system, entity, key) -%}
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key=key,
    pre_hook="{{ clear_touched_keys('" ~ system ~ "', '" ~ entity ~ "', '" ~ key ~ "') }}",
    indexes=[{'columns': [key], 'unique': true}]) }}
{%- endmacro %}

{#- The source entities that carry party mentions (int_mention_union). -#}
{% macro mention_entities() -%}
    {{ return([('core', 'customer'), ('uw', 'uw_case'), ('claims', 'claim'),
               ('telesales', 'lead'), ('finance', 'receipt'), ('finance', 'payout')]) }}
{%- endmacro %}

{#- Declares the dependencies touched_mention uses only at run time (dbt collects
    refs while parsing, when no query runs). -#}
{% macro depends_on_mention_dispositions() -%}
    {%- for system, entity in mention_entities() -%}
        {%- do disposition_relation(system, entity) -%}
    {%- endfor -%}
{%- endmacro %}

{#- A condition true for the mentions whose source rows this build recomputes: those
    of the touched keys, of every rebuilt entity, and all manual customers (a small
    table that stewards change in place). `prefix`: the column qualifier, with its dot. -#}
{% macro touched_mention(prefix='') -%}
    ({{ prefix }}source_system = 'steward'
    {%- for system, entity in mention_entities() %}
    or ({{ prefix }}source_system = '{{ system }}' and {{ prefix }}source_entity = '{{ entity }}'
        {%- if not batches_need_rebuild(system, entity) %}
        and {{ prefix }}source_key in ({{ touched_keys(system, entity) }})
        {%- endif %})
    {%- endfor %})
{%- endmacro %}

{#- Whether the mention models update int_party_mention in place (else: build it whole). -#}
{% macro mentions_incremental() -%}
    {%- set mentions = adapter.get_relation(
        database=target.database, schema=generate_schema_name('intermediate', none) | trim,
        identifier='int_party_mention') -%}
    {{ return(execute and mentions is not none and mentions.is_table
              and not flags.FULL_REFRESH) }}
{%- endmacro %}
