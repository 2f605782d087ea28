{#- The published mentions with their parties, in the columns the service, `ecif lookup`
    and erasure read: ownership (source, agent code), the lookup keys and what
    identification compares (matching.mentions.COLUMNS, e-mail). A table built whole with
    the marts, not a view: PostgreSQL's row-level security protects it as it protects the
    marts (a view would read int_mention_party with its owner's rights), a rebuild of
    int_mention_party (which drops what depends on it on PostgreSQL) leaves it standing,
    and every build gives it a new table, which tells the service's live mentions to read
    again (ecif.service.live_mentions). Indexed on PostgreSQL only: on DuckDB an index
    forbids the `ALTER TABLE … RENAME` of dbt's next table rebuild. -#}
{{ config(indexes=[{'columns': ['mention_id'], 'unique': true}, {'columns': ['party_id']}]
                  if target.type == 'postgres' else []) }}

select
    mention_id,
    party_id,
    source_system,
    source_entity,
    agent_code,
    party_type,
    name_std,
    pinyin_key,
    pinyin_key_alt,
    org_head_name,
    org_branch_marker,
    org_name_key,
    id_type,
    id_no,
    id_problem,
    id_valid,
    id_informative,
    id_birth_date,
    gender,
    birth_date,
    birth_year,
    mobile,
    mobile_valid,
    mobile_informative,
    phone,
    phone_problem,
    city,
    district,
    address,
    legal_rep,
    email,
    email_problem
from {{ ref('int_mention_party') }}
