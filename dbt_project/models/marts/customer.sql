{#- One golden record per party. Each attribute survives from the best mention that
    has it: source priority (reference_data/seeds/source_priority.csv), then a valid
    value, then the most recent business date. -#}

with assignment as (
    select mention_id, party_id from {{ source('matching', 'party_mention') }}
),

mentions as (
    select
        assignment.party_id,
        mention.*,
        priority.priority as source_priority
    from {{ ref('int_party_mention') }} as mention
    inner join assignment on assignment.mention_id = mention.mention_id
    inner join {{ ref('source_priority') }} as priority
        on priority.source_system = mention.source_system
),

best_identity as (
    select
        *,
        row_number() over (
            partition by party_id
            order by source_priority, id_valid desc, _business_date desc, mention_id
        ) as identity_rank
    from mentions
),

best_mobile as (
    select
        party_id,
        mobile,
        row_number() over (
            partition by party_id
            order by source_priority, _business_date desc, mention_id
        ) as mobile_rank
    from mentions
    where mobile_valid
),

golden as (
    select
        identity.party_id,
        identity.party_type,
        identity.name,
        identity.id_type,
        identity.id_no,
        case when identity.party_type = 'P' then identity.gender end as gender,
        case when identity.party_type = 'P' then identity.birth_date end as birth_date,
        best_mobile.mobile,
        'ACTIVE' as status
    from best_identity as identity
    left join best_mobile
        on best_mobile.party_id = identity.party_id and best_mobile.mobile_rank = 1
    where identity.identity_rank = 1
)

select
    cast(party_id as {{ dbt.type_string() }}) as party_id,
    cast(party_type as {{ dbt.type_string() }}) as party_type,
    cast(name as {{ dbt.type_string() }}) as name,
    cast(id_type as {{ dbt.type_string() }}) as id_type,
    cast(id_no as {{ dbt.type_string() }}) as id_no,
    cast(gender as {{ dbt.type_string() }}) as gender,
    cast(birth_date as date) as birth_date,
    cast(mobile as {{ dbt.type_string() }}) as mobile,
    cast(status as {{ dbt.type_string() }}) as status
from golden
