{#- Mobiles that another record ties to a person mention besides the one it carries:
    the number a telesales contact event about a lead came from, and the number a
    claim was reported from when its reporter is named like the claimant or like the
    policy's holder. A lead that left a new number, or a holder who reported a loss
    from the phone a lead carries, is then no longer a stranger to its other records:
    matching links a tied mention to a mention carrying that mobile under the same
    name as strongly as a contract link (matching.mentions.load_contract_links), and
    never across a conflict (matching.constrained_clustering).
    One row per mention and mobile, with the first record that ties them; a mobile
    the mention carries itself or that is not a valid mobile is left out. -#}

with event_tie as (
    select
        {{ mention_id("'telesales'", "'lead'", 'lead_id', "'lead'") }} as mention_id,
        mobile,
        'contact_event:' || event_id as evidence
    from {{ ref('stg_telesales__contact_event') }}
    where lead_id is not null and mobile is not null
),

report as (
    select claim_no, policy_no, report_phone, {{ standardize_person_name('reporter_name') }}
        as reporter_std
    from {{ ref('stg_claims__claim') }}
    where report_phone is not null and reporter_name is not null
),

claimant_tie as (
    select
        {{ mention_id("'claims'", "'claim'", 'claim_no', "'claimant'") }} as mention_id,
        report_phone as mobile,
        'claim:' || claim_no as evidence,
        reporter_std
    from report
),

holder_tie as (
    select
        {{ mention_id("'core'", "'customer'", 'policy.holder_cust_no', "'customer'") }}
            as mention_id,
        report.report_phone as mobile,
        'claim:' || report.claim_no as evidence,
        report.reporter_std
    from report
    inner join {{ ref('stg_core__policy') }} as policy on policy.policy_no = report.policy_no
    where policy.holder_cust_no is not null
),

tie as (
    select mention_id, mobile, evidence, cast(null as {{ dbt.type_string() }}) as reporter_std
    from event_tie
    union all
    select mention_id, mobile, evidence, reporter_std from claimant_tie
    union all
    select mention_id, mobile, evidence, reporter_std from holder_tie
)

select tie.mention_id, tie.mobile, min(tie.evidence) as evidence
from tie
inner join {{ ref('int_party_mention') }} as mention on mention.mention_id = tie.mention_id
where mention.party_type = 'P'
    and {{ mobile_problem('tie.mobile') }} is null
    and tie.mobile is distinct from mention.mobile
    -- a reporter speaks for the mention only under its name
    and (tie.reporter_std is null or tie.reporter_std = mention.name_std)
group by tie.mention_id, tie.mobile
