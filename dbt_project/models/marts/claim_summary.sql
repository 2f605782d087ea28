{#- 理赔概要: every current claim with its claimant and policy holder parties and what
    finance has paid out on it. -#}

with claims as (
    select * from {{ ref('stg_claims__claim') }}
),

claimants as (
    select source_key as claim_no, party_id
    from {{ ref('int_mention_party') }}
    where source_system = 'claims' and source_role = 'claimant'
),

payouts as (
    select claim_no, sum(amount) as paid_out, max(pay_date) as last_paid_on
    from {{ ref('stg_finance__payout') }}
    group by claim_no
)

select
    claims.claim_no,
    claims.policy_no,
    claimants.party_id as claimant_party_id,
    policy.holder_party_id,
    policy.product_line,
    claims.report_time,
    claims.loss_date,
    claims.loss_cause,
    claims.status,
    claims.status in ('REPORTED', 'REGISTERED') as is_open,
    claims.claim_amount,
    claims.paid_amount,
    coalesce(payouts.paid_out, 0) as paid_out,
    payouts.last_paid_on,
    claims.closed_time
from claims
left join claimants on claimants.claim_no = claims.claim_no
left join {{ ref('policy_summary') }} as policy on policy.policy_no = claims.policy_no
left join payouts on payouts.claim_no = claims.claim_no
