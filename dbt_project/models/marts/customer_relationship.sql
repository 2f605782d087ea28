{#- Relationships between parties seen in the sources: a policy's holder and insured,
    a receipt's payer and the policy holder, a claimant and the policy claimed on,
    and FAMILY only on strong evidence (one insures the other and they share both an
    address and a mobile that few others carry). A steward's decision on a relationship
    (int_manual_link) wins: it adds one the sources do not show, or ends one they do. -#}

with policies as (
    select * from {{ ref('policy_summary') }}
),

payers as (
    select mention.party_id, receipt.policy_no
    from {{ ref('int_mention_party') }} as mention
    inner join {{ ref('stg_finance__receipt') }} as receipt
        on receipt.receipt_no = mention.source_key
    where mention.source_system = 'finance' and mention.source_role = 'payer'
),

pairs as (
    select holder_party_id as party_id, insured_party_id as related_party_id,
        'HOLDER_INSURED' as relationship_type, policy_no
    from policies
    where holder_party_id <> insured_party_id
    union all
    select payers.party_id, policies.holder_party_id, 'PAYER_HOLDER', payers.policy_no
    from payers
    inner join policies on policies.policy_no = payers.policy_no
    where payers.party_id <> policies.holder_party_id
    union all
    select claimant_party_id, holder_party_id, 'CLAIMANT_POLICY', policy_no
    from {{ ref('claim_summary') }}
    where claimant_party_id is not null and policy_no is not null
),

contacts as (
    select * from {{ ref('customer_contact') }}
),

family as (
    select distinct pairs.party_id, pairs.related_party_id, 'FAMILY' as relationship_type,
        pairs.policy_no
    from pairs
    inner join contacts as one on one.party_id = pairs.party_id
    inner join contacts as other on other.party_id = pairs.related_party_id
    inner join {{ ref('customer') }} as person on person.party_id = pairs.party_id
    inner join {{ ref('customer') }} as relative on relative.party_id = pairs.related_party_id
    where pairs.relationship_type = 'HOLDER_INSURED'
        and person.party_type = 'P' and relative.party_type = 'P'
        and one.mobile = other.mobile
        and one.address = other.address
),

derived as (
    select
        party_id,
        related_party_id,
        relationship_type,
        count(distinct policy_no) as evidence_policies,
        min(policy_no) as example_policy_no
    from (select * from pairs union all select * from family) as relationships
    where party_id is not null and related_party_id is not null
    group by party_id, related_party_id, relationship_type
),

manual as (
    select party_id, related_party_id, relationship_type, active, request_id
    from {{ ref('int_manual_link') }}
    where link_kind = 'RELATIONSHIP'
)

select
    derived.party_id,
    derived.related_party_id,
    derived.relationship_type,
    derived.evidence_policies,
    derived.example_policy_no,
    'DERIVED' as origin,
    cast(null as bigint) as request_id
from derived
left join manual
    on manual.party_id = derived.party_id
    and manual.related_party_id = derived.related_party_id
    and manual.relationship_type = derived.relationship_type
where manual.party_id is null
union all
select
    manual.party_id,
    manual.related_party_id,
    manual.relationship_type,
    coalesce(derived.evidence_policies, 0),
    derived.example_policy_no,
    'MANUAL',
    manual.request_id
from manual
left join derived
    on derived.party_id = manual.party_id
    and derived.related_party_id = manual.related_party_id
    and derived.relationship_type = manual.relationship_type
where manual.active
