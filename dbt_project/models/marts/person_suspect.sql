{#- Person party pairs queued for a steward's review (outputs.md §3), grouped into review
    tasks (matching.review_tasks): review_task_id names the task's parties and is the id
    the steward's queue and commands use (ecif.service.suspects). -#}

select
    party_id_a,
    party_id_b,
    match_probability,
    review_task_id,
    match_weight,
    task_probability,
    evidence
from {{ ref('stg_matching__person_suspect') }}
