{#- Report 4, duplicate rate: how many of a system's mentions resolve to one party. -#}

select
    source_system,
    count(*) as mentions,
    count(distinct party_id) as parties,
    1.0 * count(*) / count(distinct party_id) as mentions_per_party
from {{ ref('customer_xref') }}
group by source_system
