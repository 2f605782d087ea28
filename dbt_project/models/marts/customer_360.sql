{#- 客户360: one row per party with holdings, premium, claims, contacts, complaints and
    the value and risk classes (评估与分类) of reference_data/seeds/classification_rule.csv:
      value: premium in force against the `value` thresholds (A >= 10000 yuan ...);
      risk: loss ratio over the last three years (claims paid / premium of policies
            effective then) against the `risk` thresholds.
    service_tier (claims handling) is the first rule of
    reference_data/seeds/service_tier_rule.csv matching both classes.
    consent_marketing is tri-state: true given, false refused by any source, NULL
    unknown (no source asked). Built whole each night, not per affected party: the
    holdings in force and the three-year windows move with the business date for
    every party. -#}

with customers as (
    select * from {{ ref('customer') }}
),

as_of as (
    select max(cast(as_of as date)) as business_date from customers
),

holdings as (
    select
        holder_party_id as party_id,
        count(*) as policies_total,
        sum(case when is_in_force then 1 else 0 end) as policies_in_force,
        sum(case when is_in_force then premium else 0 end) as premium_in_force,
        sum(case when effective_date >= {{ dbt.dateadd('year', -3, 'as_of.business_date') }}
            then premium else 0 end) as premium_3y,
        string_agg(distinct case when is_in_force then product_line end, ','
            order by case when is_in_force then product_line end) as product_lines_in_force
    from {{ ref('policy_summary') }}
    cross join as_of
    where holder_party_id is not null
    group by holder_party_id
),

claims as (
    select
        coalesce(claimant_party_id, holder_party_id) as party_id,
        count(*) as claims_total,
        sum(case when is_open then 1 else 0 end) as claims_open,
        sum(coalesce(paid_amount, 0)) as claims_paid,
        sum(case when report_time >= {{ dbt.dateadd('year', -3, 'as_of.business_date') }}
            then coalesce(paid_amount, 0) else 0 end) as claims_paid_3y
    from {{ ref('claim_summary') }}
    cross join as_of
    group by coalesce(claimant_party_id, holder_party_id)
),

parameters as (
    select max(case when parameter = 'complaint_open_days' then cast(value as integer) end)
        as complaint_open_days
    from {{ ref('marketing_parameter') }}
),

events as (
    select * from {{ ref('customer_event') }} where party_id is not null
),

contacts as (
    select
        events.party_id,
        max(events.occurred_at) as last_contact_at,
        sum(case when events.event_type = 'COMPLAINT'
            and events.occurred_at >= {{ dbt.dateadd('day', '-365', 'as_of.business_date') }}
            then 1 else 0 end) as complaints_12m
    from events
    cross join as_of
    group by events.party_id
),

open_complaints as (
    -- a recent complaint with no RESOLVED contact at or after it
    select distinct complaint.party_id
    from events as complaint
    cross join as_of
    cross join parameters
    where complaint.event_type = 'COMPLAINT'
        and coalesce(complaint.outcome, '') <> 'RESOLVED'
        and complaint.occurred_at >= {{ dbt.dateadd('day', '-1 * parameters.complaint_open_days', 'as_of.business_date') }}
        and not exists (
            select 1 from events as later
            where later.party_id = complaint.party_id
                and later.outcome = 'RESOLVED'
                and later.occurred_at >= complaint.occurred_at
        )
),

leads as (
    select
        mention.party_id,
        -- tri-state: one refusal anywhere outweighs any consent; no answer is unknown
        case
            when max(case when lead.consent_marketing = false then 1 else 0 end) = 1 then false
            when max(case when lead.consent_marketing then 1 else 0 end) = 1 then true
        end as consent_marketing,
        max(case when lead.do_not_call then 1 else 0 end) = 1 as do_not_call
    from {{ ref('int_mention_party') }} as mention
    inner join {{ ref('stg_telesales__lead') }} as lead on lead.lead_id = mention.source_key
    where mention.source_system = 'telesales' and mention.source_entity = 'lead'
    group by mention.party_id
),

value_rules as (
    select class, cast(min_value as decimal(18, 2)) as min_value
    from {{ ref('classification_rule') }} where classification = 'value'
),

risk_rules as (
    select class, cast(min_value as decimal(18, 4)) as min_value
    from {{ ref('classification_rule') }} where classification = 'risk'
),

measured as (
    select
        customers.party_id,
        customers.party_type,
        customers.name,
        customers.status,
        customers.mobile,
        contact.province,
        contact.city,
        coalesce(holdings.policies_total, 0) as policies_total,
        coalesce(holdings.policies_in_force, 0) as policies_in_force,
        holdings.product_lines_in_force,
        coalesce(holdings.premium_in_force, 0) as premium_in_force,
        coalesce(claims.claims_total, 0) as claims_total,
        coalesce(claims.claims_open, 0) as claims_open,
        coalesce(claims.claims_paid, 0) as claims_paid,
        case when coalesce(holdings.premium_3y, 0) > 0
            then coalesce(claims.claims_paid_3y, 0) / holdings.premium_3y end as loss_ratio_3y,
        contacts.last_contact_at,
        coalesce(contacts.complaints_12m, 0) as complaints_12m,
        open_complaints.party_id is not null as has_open_complaint,
        leads.consent_marketing,
        coalesce(leads.do_not_call, false) as do_not_call
    from customers
    left join {{ ref('customer_contact') }} as contact on contact.party_id = customers.party_id
    left join holdings on holdings.party_id = customers.party_id
    left join claims on claims.party_id = customers.party_id
    left join contacts on contacts.party_id = customers.party_id
    left join open_complaints on open_complaints.party_id = customers.party_id
    left join leads on leads.party_id = customers.party_id
),

classified as (
    select
        measured.*,
        measured.mobile is not null and not measured.do_not_call as is_contactable,
        (select value_rules.class from value_rules
         where measured.premium_in_force >= value_rules.min_value
         order by value_rules.min_value desc limit 1) as value_class,
        (select risk_rules.class from risk_rules
         where coalesce(measured.loss_ratio_3y, 0) >= risk_rules.min_value
         order by risk_rules.min_value desc limit 1) as risk_class
    from measured
)

select
    classified.*,
    (select tier.service_tier from {{ ref('service_tier_rule') }} as tier
     where tier.value_class in ('*', classified.value_class)
         and tier.risk_class in ('*', classified.risk_class)
     order by tier.priority limit 1) as service_tier
from classified
