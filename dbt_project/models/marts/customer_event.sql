{#- Claims reported and consult, complaint, revisit and call contacts, each linked to
    a party: a contact through its lead, else through a mobile that exactly one
    golden customer has (a shared mobile links no one). -#}

with contacts as (
    select * from {{ ref('stg_telesales__contact_event') }}
),

lead_parties as (
    select source_key as lead_id, party_id
    from {{ ref('int_mention_party') }}
    where source_system = 'telesales' and source_entity = 'lead'
),

mobile_parties as (
    select mobile, min(party_id) as party_id
    from {{ ref('customer') }}
    where mobile is not null
    group by mobile
    having count(*) = 1
),

contact_events as (
    select
        'telesales' as source_system,
        contacts.event_id as event_key,
        contacts.event_type,
        contacts.occurred_at,
        contacts.channel,
        contacts.outcome,
        coalesce(lead_parties.party_id, mobile_parties.party_id) as party_id,
        case
            when lead_parties.party_id is not null then 'lead'
            when mobile_parties.party_id is not null then 'mobile'
        end as linked_by
    from contacts
    left join lead_parties on lead_parties.lead_id = contacts.lead_id
    left join mobile_parties on mobile_parties.mobile = contacts.mobile
),

claim_events as (
    select
        'claims' as source_system,
        claim_no as event_key,
        'CLAIM' as event_type,
        report_time as occurred_at,
        cast(null as {{ dbt.type_string() }}) as channel,
        status as outcome,
        claimant_party_id as party_id,
        case when claimant_party_id is not null then 'claimant' end as linked_by
    from {{ ref('claim_summary') }}
)

select * from contact_events
union all
select * from claim_events
