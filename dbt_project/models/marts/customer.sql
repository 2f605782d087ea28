{#- One golden record per party (outputs.md §2), pivoted from the surviving
    attributes of customer_attribute_lineage. `as_of` is the latest business date
    the warehouse holds: history (snapshots) dates each change by it. Kept
    incrementally, per party (macros/incremental_marts.sql). -#}
{{ incremental_mart(post_hook=["{{ refresh_as_of() }}"]) }}

with lineage as (
    select * from {{ ref('customer_attribute_lineage') }}
    where {{ for_affected_parties('party_id') }}
),

parties as (
    -- every mention of a party has the same type: clustering never mixes them
    select party_id, max(party_type) as party_type
    from {{ ref('int_mention_party') }}
    where {{ for_affected_parties('party_id') }}
    group by party_id
),

statuses as (
    -- the latest steward decision on the party's status (停用)
    select party_id, status from (
        select party_id, status,
            row_number() over (partition by party_id order by changed_at desc, request_id desc)
                as newest
        from {{ ref('stg_steward__party_status') }}
        where {{ for_affected_parties('party_id') }}
    ) as ranked
    where newest = 1
),

as_of as (
    select {{ marts_as_of() }} as as_of from {{ ref('int_party_mention') }}
),

attributes as (
    select
        party_id,
        {{ pivot_surviving({'name': 'name', 'gender': 'gender', 'birth_date': 'birth_date',
                            'occupation': 'occupation_code', 'industry': 'industry_code',
                            'legal_rep': 'legal_rep'}) }},
        -- a golden identifier or mobile is valid and informative (the flags of
        -- int_party_mention, carried by the lineage's is_valid) or none at all: the best
        -- invalid value stays in customer_attribute_lineage for stewards
        {{ pivot_surviving({'id': 'id', 'mobile': 'mobile'}, valid_only=true) }},
        max(case when attribute = 'id' then
            case when is_valid then 'VALID' else 'INVALID_ONLY' end end) as id_status
    from lineage
    group by party_id
)

select
    cast(parties.party_id as {{ dbt.type_string() }}) as party_id,
    cast(parties.party_type as {{ dbt.type_string() }}) as party_type,
    cast(attributes.name as {{ dbt.type_string() }}) as name,
    cast({{ dbt.split_part('attributes.id', "':'", 1) }} as {{ dbt.type_string() }}) as id_type,
    cast({{ dbt.split_part('attributes.id', "':'", 2) }} as {{ dbt.type_string() }}) as id_no,
    cast(case when parties.party_type = 'P' then coalesce(attributes.gender, 'U') end
        as {{ dbt.type_string() }}) as gender,
    cast(case when parties.party_type = 'P' then attributes.birth_date end as date) as birth_date,
    cast(attributes.mobile as {{ dbt.type_string() }}) as mobile,
    cast(coalesce(statuses.status, 'ACTIVE') as {{ dbt.type_string() }}) as status,
    as_of.as_of,
    -- VALID; INVALID_ONLY: only invalid or placeholder IDs were seen (id_no is null); NONE
    cast(coalesce(attributes.id_status, 'NONE') as {{ dbt.type_string() }}) as id_status,
    cast(case when parties.party_type = 'P' then attributes.occupation_code end
        as {{ dbt.type_string() }}) as occupation_code,
    cast(case when parties.party_type = 'O' then attributes.industry_code end
        as {{ dbt.type_string() }}) as industry_code,
    cast(case when parties.party_type = 'O' then attributes.legal_rep end
        as {{ dbt.type_string() }}) as legal_rep
from parties
cross join as_of
left join attributes on attributes.party_id = parties.party_id
left join statuses on statuses.party_id = parties.party_id
