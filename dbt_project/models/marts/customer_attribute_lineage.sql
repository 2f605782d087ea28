{#- Survivorship (数据覆盖规则): for each party and attribute, the value that survives
    and why. A valid value always beats an invalid one (a preferred source's bad ID
    must not win); among values equally valid, the source priority of
    reference_data/seeds/survivorship_rule.csv decides, then the most recent business
    date, then the smallest mention id (a tie stays deterministic). Sources without a
    rule for an attribute do not compete for it. -#}

with mentions as (
    select * from {{ ref('int_mention_party') }}
),

candidates as (
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'name' as attribute, name_std as candidate_value,
        not coalesce(name_is_pinyin, false) as is_valid
    from mentions where name_std is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'id', id_type || ':' || id_no, coalesce(id_valid and id_informative, false)
    from mentions where id_no is not null and id_type is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'gender', gender, id_gender is null or gender = id_gender
    from mentions where gender in ('M', 'F')
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'birth_date', cast(birth_date as {{ dbt.type_string() }}),
        id_birth_date is null or birth_date = id_birth_date
    from mentions where birth_date is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'mobile', mobile, coalesce(mobile_informative, false)
    from mentions where mobile is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'phone', phone, phone_problem is null
    from mentions where phone is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'email', email, email_problem is null
    from mentions where email is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'address',
        coalesce(province, '') || '|' || coalesce(city, '') || '|' || coalesce(district, '')
            || '|' || coalesce(address, ''),
        province is not null and address is not null
    from mentions where address is not null or province is not null
),

ranked as (
    select
        candidates.*,
        rule.priority,
        row_number() over (
            partition by candidates.party_id, candidates.attribute
            order by candidates.is_valid desc, rule.priority, candidates._business_date desc,
                candidates.mention_id
        ) as candidate_rank,
        count(*) over (partition by candidates.party_id, candidates.attribute) as candidates
    from candidates
    inner join {{ ref('survivorship_rule') }} as rule
        on rule.attribute = candidates.attribute and rule.source_system = candidates.source_system
)

select
    party_id,
    attribute,
    candidate_value as surviving_value,
    source_system,
    source_entity,
    source_key,
    mention_id,
    is_valid,
    priority,
    _business_date as business_date,
    candidates,
    case when is_valid then 'valid' else 'no valid candidate, best invalid' end
        || '; ' || source_system || ' priority ' || cast(priority as {{ dbt.type_string() }})
        || '; business date ' || _business_date
        || '; ' || cast(candidates as {{ dbt.type_string() }}) || ' candidate(s)' as rule_applied
from ranked
where candidate_rank = 1
