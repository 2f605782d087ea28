{#- Every current party mention with the party matching resolved it to. Built after
    matching, with the marts: it reads stg_matching__party_mention (ecif.pipeline's
    AFTER_MATCHING). -#}

select
    mention.*,
    assignment.party_id
from {{ ref('int_party_mention') }} as mention
inner join {{ ref('stg_matching__party_mention') }} as assignment
    on assignment.mention_id = mention.mention_id
