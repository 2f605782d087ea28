{#- Report 2, ID-number validity by source system and reason (VALID when it passed). -#}

select
    source_system,
    case when id_valid then 'VALID' else coalesce(id_problem, 'INVALID') end as reason,
    count(*) as mentions
from {{ ref('int_party_mention') }}
group by source_system, case when id_valid then 'VALID' else coalesce(id_problem, 'INVALID') end
