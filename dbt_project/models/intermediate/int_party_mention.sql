{#- Every party mention in one shape for matching (outputs.md §2 roles), kept
    incrementally: the mentions int_party_mention_delta recomputed replace their old
    rows; the pre-hook first removes the old mentions of the touched source rows, so a
    deleted row's mentions go. From scratch: the delta is every mention. -#}
-- depends_on: {{ ref('int_party_mention_change') }}
{{- depends_on_mention_dispositions() -}}
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key='mention_id',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ touched_mention() }}{% endif %}",
    indexes=[{'columns': ['mention_id'], 'unique': true},
             {'columns': ['source_system', 'source_entity', 'source_key']}]) }}

select * from {{ ref('int_party_mention_delta') }}
