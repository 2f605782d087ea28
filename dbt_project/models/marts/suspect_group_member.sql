{#- Organizations suspected to be one, awaiting a steward's review (outputs.md §2): each
    party in at most one open group. -#}

select
    suspect_group_id,
    party_id,
    score
from {{ ref('stg_matching__suspect_group_member') }}
