{#- What each staging build changed in int_party_mention, for matching to re-score
    only those mentions (issue 18): one row per mention inserted (I), updated (U: any
    column differs, incl. an informativeness flag another mention's change flipped) or
    deleted (D), stamped with the build's start. Append-only: a consumer reads the
    rows newer than the last build it processed. A build from scratch (first build,
    `ecif run --full`) starts the log again, with every mention as I. Runs before
    int_party_mention is updated: it compares the delta with the stored rows. -#}
{{ config(materialized='incremental', incremental_strategy='append',
          indexes=[{'columns': ['changed_at']}]) }}
{%- set incremental = mentions_incremental() -%}
{{- depends_on_mention_dispositions() -}}
{%- set columns = adapter.get_columns_in_relation(ref('int_party_mention_delta'))
                  | map(attribute='quoted') | join(', ') if execute else '*' -%}
{%- set stamp = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)" -%}

{%- if incremental %}
{%- set current = adapter.get_relation(database=target.database, schema='intermediate',
                                       identifier='int_party_mention') %}
with delta as (
    select * from {{ ref('int_party_mention_delta') }}
),

changed as (
    select {{ columns }} from delta
    except
    select {{ columns }} from {{ current }}
    where mention_id in (select mention_id from delta)
)

select changed.mention_id,
    case when exists (select 1 from {{ current }} as stored
                      where stored.mention_id = changed.mention_id)
        then 'U' else 'I' end as change_kind,
    {{ stamp }} as changed_at
from changed
union all
select stored.mention_id, 'D', {{ stamp }}
from {{ current }} as stored
where {{ touched_mention('stored.') }}
    and not exists (select 1 from delta where delta.mention_id = stored.mention_id)
{%- else %}
select mention_id, 'I' as change_kind, {{ stamp }} as changed_at
from {{ ref('int_party_mention_delta') }}
{%- endif %}
