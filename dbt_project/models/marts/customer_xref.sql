{#- One row per party mention of a current source row: where each golden customer
    was seen. -#}

select
    cast(mention.source_system as {{ dbt.type_string() }}) as source_system,
    cast(mention.source_entity as {{ dbt.type_string() }}) as source_entity,
    cast(mention.source_key as {{ dbt.type_string() }}) as source_key,
    cast(mention.source_role as {{ dbt.type_string() }}) as source_role,
    cast(assignment.party_id as {{ dbt.type_string() }}) as party_id
from {{ ref('int_party_mention') }} as mention
inner join {{ source('matching', 'party_mention') }} as assignment
    on assignment.mention_id = mention.mention_id
