{#- The current state of a source entity from its append-only raw history
    (source-extracts.md §1, §3):
    - only batches from the latest FULL batch on count: a FULL replaces the whole state;
    - per key, the last row wins, by business date then row number (a repeated key in
      one file: the later row; a U for an unknown key simply becomes the state);
    - a key whose last row is a D is gone (a D for an unknown key changes nothing).
    Keys are trimmed and half-width so `C001 ` and `C001` are one key. -#}
{% macro current_state(source_relation, key) -%}
with history as (
    select * from {{ source_relation }}
),
last_full as (
    select max(_business_date) as business_date
    from history
    where _extract_type = 'FULL'
),
ranked as (
    select
        history.*,
        row_number() over (
            partition by {{ clean_text(key) }}
            order by _business_date desc, _row_number desc
        ) as _version_rank
    from history
    where _business_date >= coalesce((select business_date from last_full), '00000000')
      and {{ clean_text(key) }} is not null
)
select * from ranked where _version_rank = 1 and op <> 'D'
{%- endmacro %}
