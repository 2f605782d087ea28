{#- Every current party mention with the party matching resolved it to. Built after
    matching, with the marts: it reads stg_matching__party_mention (ecif.pipeline's
    AFTER_MATCHING). Kept incrementally like the marts (macros/incremental_marts.sql):
    the mentions changed since their last build are replaced. -#}
-- depends_on: {{ ref('int_mart_affected_party') }}
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key='mention_id',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }}{% if marts_incremental() %} where mention_id in (select mention_id from {{ ref('int_mart_affected_party') }}){% endif %}{% endif %}",
    indexes=[{'columns': ['mention_id'], 'unique': true}, {'columns': ['party_id']}]) }}

select
    mention.*,
    assignment.party_id
from {{ ref('int_party_mention') }} as mention
inner join {{ ref('stg_matching__party_mention') }} as assignment
    on assignment.mention_id = mention.mention_id
{%- if marts_incremental() %}
where mention.mention_id in (select mention_id from {{ ref('int_mart_affected_party') }})
{%- endif %}
