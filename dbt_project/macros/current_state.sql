{#- What became of every raw row (source-extracts.md §1, §3). Raw tables are
    append-only history; per key the last row wins, by business date then row number.
      CURRENT        the row is the key's current state
      SUPERSEDED     a later row of the same key replaced it (a U, or a repeat in one file)
      DELETED        the key's last row is a D: this earlier row no longer counts
      DELETE_MARKER  the D row itself (a D for an unknown key changes nothing)
      BEFORE_FULL    delivered before the latest FULL batch, which replaced the whole state
    Keys are compared trimmed and half-width, so `C001 ` and `C001` are one key.
    `history`: rows with _key, op, _business_date, _row_number (other columns kept);
    `last_full`: a one-row query giving the business date of the latest FULL batch. -#}
{% macro row_disposition(history, last_full) -%}
with flagged as (
    select history.*, history._business_date < last_full.business_date as _before_full
    from ({{ history }}) as history
    cross join ({{ last_full }}) as last_full
),
ranked as (
    select
        flagged.*,
        row_number() over latest_first as _version_rank,
        first_value(op) over latest_first as _last_op
    from flagged
    window latest_first as (
        partition by _key, _before_full
        order by _business_date desc, _row_number desc
    )
)
select
    ranked.*,
    case
        when _before_full then 'BEFORE_FULL'
        when op = 'D' then 'DELETE_MARKER'
        when _last_op = 'D' then 'DELETED'
        when _version_rank = 1 then 'CURRENT'
        else 'SUPERSEDED'
    end as _disposition
from ranked
{%- endmacro %}
