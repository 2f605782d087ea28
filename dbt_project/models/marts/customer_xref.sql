{#- One row per party mention of a current source row: where each golden customer
    was seen. Kept incrementally, per party (macros/incremental_marts.sql). -#}
{{ incremental_mart() }}

select
    cast(source_system as {{ dbt.type_string() }}) as source_system,
    cast(source_entity as {{ dbt.type_string() }}) as source_entity,
    cast(source_key as {{ dbt.type_string() }}) as source_key,
    cast(source_role as {{ dbt.type_string() }}) as source_role,
    cast(party_id as {{ dbt.type_string() }}) as party_id
from {{ ref('int_mention_party') }}
where {{ for_affected_parties('party_id') }}
