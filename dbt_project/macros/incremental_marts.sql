{#- The marts kept incrementally (issue 18). ecif.pipeline.build_marts passes, as dbt
    vars, where the last build of the marts stopped: `marts_changes_after` (the newest
    int_party_mention_change stamp it had read) and `marts_runs_after` (the newest
    matching run). int_mart_affected_party then lists the mentions changed since and
    the parties they touch, and every mart keyed by party recomputes only those
    parties: its pre-hook deletes their rows, the model inserts their new ones. Without
    the vars (a first build, `ecif run --full`, changed rules: build_marts decides) the
    marts are built whole, never a mix of two rules. -#}

{#- Whether this model updates its table in place for the affected parties. -#}
{% macro marts_incremental() -%}
    {{ return(var('marts_changes_after', none) is not none and is_incremental()) }}
{%- endmacro %}

{#- The parties whose mart rows this build recomputes. -#}
{% macro affected_parties() -%}
    select party_id from {{ ref('int_mart_affected_party') }} where party_id is not null
{%- endmacro %}

{#- A condition on `column` that keeps only the affected parties' rows (all rows when
    the mart is built whole). -#}
{% macro for_affected_parties(column) -%}
    {%- if marts_incremental() -%}
        {{ column }} in ({{ affected_parties() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: the affected parties' old rows go (a party merged away or left without
    mentions has no new row for delete+insert to replace); a whole build into an
    existing table empties it first. -#}
{% macro clear_affected_parties(column='party_id') -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        {%- if marts_incremental() %} where {{ column }} in ({{ affected_parties() }}){% endif %}
    {%- endif -%}
{%- endmacro %}

{#- Config of a mart keyed by party (indexed for the pre-hook's delete on PostgreSQL). -#}
{% macro incremental_mart(column='party_id', post_hook=[]) -%}
{%- do ref('int_mart_affected_party') -%}
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key=column,
    on_schema_change='fail',
    pre_hook="{{ clear_affected_parties('" ~ column ~ "') }}",
    post_hook=post_hook,
    indexes=[{'columns': [column]}]) }}
{%- endmacro %}

{#- The latest business date the warehouse holds, as the marts' `as_of`. -#}
{% macro marts_as_of() -%}
    cast({{ try_to_date('max(_business_date)', '%Y%m%d') }} as timestamp)
{%- endmacro %}

{#- Post-hook: `as_of` moves with every night for every party, not only the affected
    ones; one update of the rows whose date is behind. -#}
{% macro refresh_as_of() -%}
    {%- if marts_incremental() -%}
        update {{ this }} set as_of = (
            select {{ marts_as_of() }} from {{ ref('int_party_mention') }})
        where as_of is distinct from (
            select {{ marts_as_of() }} from {{ ref('int_party_mention') }})
    {%- endif -%}
{%- endmacro %}

{#- What the marts read per party besides mentions and assignments: steward overrides
    and statuses (by party), and core's register codes (by customer number). The
    affected parties include those whose facts differ from the copy the last build
    kept (int_mart_input). -#}
{% macro mart_inputs() -%}
    select party_id, cast(null as {{ dbt.type_string() }}) as cust_no,
        'override|' || attribute || '|' || coalesce(override_value, '') || '|'
            || effective_date || '|' || cast(request_id as {{ dbt.type_string() }}) || '|'
            || origin || '|' || cast(revoked as {{ dbt.type_string() }}) as fact
    from {{ ref('stg_steward__attribute_override') }}
    union all
    select party_id, null,
        'status|' || status || '|' || cast(request_id as {{ dbt.type_string() }}) || '|'
            || cast(changed_at as {{ dbt.type_string() }})
    from {{ ref('stg_steward__party_status') }}
    union all
    select null, cust_no,
        'register|' || coalesce(occupation_code, '') || '|' || coalesce(industry_code, '')
    from {{ ref('stg_core__customer') }}
    where occupation_code is not null or industry_code is not null
{%- endmacro %}

{#- Post-hook of int_mart_affected_party: the parties the next publication compares
    (ecif.events.changes.publish) gather in events.publish_scope until it runs; a
    null party stands for all of them (a whole build). Written by dbt itself, so that
    any build of the marts, by whatever runs it, is told. -#}
{% macro record_publish_scope() -%}
    insert into events.publish_scope
    {%- if var('marts_changes_after', none) is not none %}
    select distinct party_id from {{ this }} where party_id is not null
    {%- else %}
    values (null)
    {%- endif %}
{%- endmacro %}
