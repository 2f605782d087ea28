{#- Person party pairs queued for a steward's review (outputs.md §3). review_task_id is
    the id the steward's queue and commands use for the pair (ecif.service.suspects). -#}

select
    party_id_a,
    party_id_b,
    match_probability,
    party_id_a || '+' || party_id_b as review_task_id,
    match_weight
from {{ ref('stg_matching__person_suspect') }}
