{#- Mentions that one policy, proposal or claim ties together under the same
    name, read alike (the pinyin key: a payer keyed as 章军 on 张军's policy, or as
    ZHANG JUN; organizations by their standardized name): the payer of a policy named like its holder, a claimant named
    like the insured, the payee of a claim named like its claimant, a proposal's
    insured named like its applicant. Receipts and payouts seldom carry
    the payer's ID, mobile or birth date, so without this evidence they could never
    be linked; on one contract an equal name is certain enough to merge (matching
    treats these links as strong; yet two different valid IDs, two known genders or
    birth years far apart never merge: matching.constrained_clustering).
    One row per linked mention: each is linked to the smallest mention id of its
    contract and name, a star that connects them all without listing every pair.
    A proposal links its insured to its applicant also before a policy number exists. -#}

{#- (staging model, mention id, contract, rows that have one) of every role a contract names -#}
{%- set roles = [
    ('stg_core__policy', mention_id("'core'", "'customer'", 'holder_cust_no', "'customer'"),
     "'policy:' || policy_no", 'holder_cust_no is not null'),
    ('stg_core__policy', mention_id("'core'", "'customer'", 'insured_cust_no', "'customer'"),
     "'policy:' || policy_no", 'insured_cust_no is not null'),
    ('stg_uw__uw_case', mention_id("'uw'", "'uw_case'", 'case_id', "'applicant'"),
     "'policy:' || policy_no", 'policy_no is not null'),
    ('stg_uw__uw_case', mention_id("'uw'", "'uw_case'", 'case_id', "'insured'"),
     "'policy:' || policy_no", 'policy_no is not null'),
    ('stg_uw__uw_case', mention_id("'uw'", "'uw_case'", 'case_id', "'applicant'"),
     "'case:' || case_id", 'true'),
    ('stg_uw__uw_case', mention_id("'uw'", "'uw_case'", 'case_id', "'insured'"),
     "'case:' || case_id", 'true'),
    ('stg_claims__claim', mention_id("'claims'", "'claim'", 'claim_no', "'claimant'"),
     "'policy:' || policy_no", 'policy_no is not null'),
    ('stg_claims__claim', mention_id("'claims'", "'claim'", 'claim_no', "'claimant'"),
     "'claim:' || claim_no", 'true'),
    ('stg_finance__receipt', mention_id("'finance'", "'receipt'", 'receipt_no', "'payer'"),
     "'policy:' || policy_no", 'policy_no is not null'),
    ('stg_finance__payout', mention_id("'finance'", "'payout'", 'payout_no', "'payee'"),
     "'claim:' || claim_no", 'claim_no is not null'),
] -%}

with contract_role as (
    {%- for model, mention, contract, has_one in roles %}
    {% if not loop.first %}union all{% endif %}
    select {{ mention }} as mention_id, {{ contract }} as contract
    from {{ ref(model) }}
    where {{ has_one }}
    {%- endfor %}
),

named as (
    select distinct contract_role.contract, mention.mention_id, mention.party_type,
           coalesce(mention.pinyin_key, mention.name_std) as name_read
    from contract_role
    inner join {{ ref('int_party_mention') }} as mention
        on mention.mention_id = contract_role.mention_id
    -- a one-character name says too little, even on one contract
    where length(mention.name_std) >= 2
),

anchored as (
    select contract, mention_id, party_type,
           min(mention_id) over (partition by contract, party_type, name_read) as anchor_id
    from named
)

select anchor_id as mention_id_a, mention_id as mention_id_b, min(contract) as contract
from anchored
where mention_id <> anchor_id
group by anchor_id, mention_id
