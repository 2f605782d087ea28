{#- Survivorship (数据覆盖规则): for each party and attribute, the value that survives
    and why. A valid value always beats an invalid one (a preferred source's bad ID
    must not win); among values equally valid, the source priority of
    reference_data/seeds/survivorship_rule.csv decides, then the most recent business
    date, then the smallest mention id (a tie stays deterministic). Sources without a
    rule for an attribute do not compete for it. Kept incrementally, per party
    (macros/incremental_marts.sql). -#}
{{ incremental_mart() }}

with mentions as (
    select * from {{ ref('int_mention_party') }}
    where {{ for_affected_parties('party_id') }}
),

core_register as (
    -- occupation and industry codes only core's customer register carries
    select mentions.*, register.occupation_code, register.industry_code
    from mentions
    inner join {{ ref('stg_core__customer') }} as register on register.cust_no = mentions.source_key
    where mentions.source_system = 'core' and mentions.source_entity = 'customer'
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
    -- a golden mobile is a valid one or none: a malformed value (from any source, a
    -- steward's or identification's included) stays in quality.dq_exception
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'mobile', mobile, coalesce(mobile_informative, false)
    from mentions where mobile_valid
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
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'legal_rep', legal_rep, true
    from mentions where party_type = 'O' and legal_rep is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'occupation', occupation_code, true
    from core_register where party_type = 'P' and occupation_code is not null
    union all
    select party_id, mention_id, source_system, source_entity, source_key, _business_date,
        'industry', industry_code, true
    from core_register where party_type = 'O' and industry_code is not null
),

ruled as (
    select candidates.*, rule.priority, false as is_override
    from candidates
    inner join {{ ref('survivorship_rule') }} as rule
        on rule.attribute = candidates.attribute and rule.source_system = candidates.source_system
),

overrides as (
    select
        override.party_id,
        'override|' || cast(override.request_id as {{ dbt.type_string() }}) as mention_id,
        'steward' as source_system,
        override.origin as source_entity,
        cast(override.request_id as {{ dbt.type_string() }}) as source_key,
        override.effective_date as _business_date,
        override.attribute,
        override.override_value as candidate_value,
        true as is_valid,
        0 as priority,
        true as is_override
    from {{ ref('stg_steward__attribute_override') }} as override
    where not override.revoked
        and override.party_id in (select party_id from mentions)
),

competing as (
    select
        all_candidates.*,
        max(case when not is_override then _business_date end)
            over (partition by party_id, attribute) as newest_source_date
    from (select * from ruled union all select * from overrides) as all_candidates
),

ranked as (
    select
        competing.*,
        row_number() over (
            partition by party_id, attribute
            order by is_override desc, is_valid desc, priority, _business_date desc, mention_id
        ) as candidate_rank,
        count(*) over (partition by party_id, attribute) as candidates
    from competing
    -- an override stands until a source sends something newer
    where not is_override or newest_source_date is null or newest_source_date <= _business_date
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
    case
        when is_override then 'override by ' || source_entity
        when is_valid then 'valid'
        else 'no valid candidate, best invalid'
    end
        || '; ' || source_system || ' priority ' || cast(priority as {{ dbt.type_string() }})
        || '; business date ' || _business_date
        || '; ' || cast(candidates as {{ dbt.type_string() }}) || ' candidate(s)' as rule_applied
from ranked
where candidate_rank = 1
