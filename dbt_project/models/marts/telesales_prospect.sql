{#- 电销名单: people telesales may call. LEAD: a lead who gave marketing consent and
    holds no policy yet. CROSS_SELL: a customer holding a product line of
    reference_data/seeds/cross_sell_rule.csv but not its suggested line. Both must be
    active, reachable, not on do-not-call and without an open complaint; anyone who
    refused marketing in any source is never listed (customer_360.consent_marketing).
    contact_basis says why calling is allowed: CONSENT (consent given) or
    EXISTING_CUSTOMER (a policyholder whose consent is unknown, only while the
    marketing_parameter `cross_sell_unknown_consent` is true). Built whole each night
    from customer_360, which moves with the business date. -#}

with parameters as (
    select max(case when parameter = 'cross_sell_unknown_consent'
                    then lower(value) end) = 'true' as cross_sell_unknown_consent
    from {{ ref('marketing_parameter') }}
),

as_of as (
    select max(cast(as_of as date)) as business_date from {{ ref('customer') }}
),

people as (
    select people.*,
        case when people.consent_marketing then 'CONSENT'
            when people.consent_marketing is null and parameters.cross_sell_unknown_consent
                then 'EXISTING_CUSTOMER'
        end as contact_basis
    from {{ ref('customer_360') }} as people
    cross join parameters
    where people.party_type = 'P' and people.status = 'ACTIVE' and people.is_contactable
        and not people.do_not_call and not people.has_open_complaint
        and (people.consent_marketing is null or people.consent_marketing)
),

held as (
    select distinct holder_party_id as party_id, product_line
    from {{ ref('policy_summary') }}
    where is_in_force
),

renewals as (
    -- the nearest unrenewed expiry of a policy in force: the renewal window filter
    select holder_party_id as party_id, min(days_to_expiry) as days_to_renewal
    from {{ ref('policy_summary') }}
    where is_in_force and not is_renewed
    group by holder_party_id
),

leads as (
    select party_id, 'LEAD' as prospect_type,
        cast(null as {{ dbt.type_string() }}) as suggested_product_line,
        'consented lead without a policy' as reason
    from people
    where consent_marketing and policies_total = 0
),

cross_sell as (
    -- one row per suggestion, even when two held lines suggest the same one
    select held.party_id, 'CROSS_SELL' as prospect_type,
        rule.suggest_product_line as suggested_product_line,
        min('holds ' || rule.holds_product_line || ': ' || rule.why) as reason
    from held
    inner join {{ ref('cross_sell_rule') }} as rule
        on rule.holds_product_line = held.product_line
    where not exists (
        select 1 from held as other
        where other.party_id = held.party_id and other.product_line = rule.suggest_product_line
    )
    group by held.party_id, rule.suggest_product_line
),

seats as (
    -- a lead's city: the only region known of a lead who is no customer yet
    select mention.party_id, min(lead.assigned_seat) as assigned_seat, min(lead.city) as city
    from {{ ref('int_mention_party') }} as mention
    inner join {{ ref('stg_telesales__lead') }} as lead on lead.lead_id = mention.source_key
    where mention.source_system = 'telesales'
    group by mention.party_id
)

select
    people.party_id,
    prospects.prospect_type,
    prospects.suggested_product_line,
    prospects.reason,
    people.contact_basis,
    people.name,
    people.mobile,
    people.province,
    coalesce(people.city, seats.city) as city,
    people.value_class,
    people.product_lines_in_force,
    renewals.days_to_renewal,
    {{ dbt.datediff('cast(people.last_contact_at as date)', 'as_of.business_date', 'day') }}
        as days_since_last_contact,
    seats.assigned_seat
from (select * from leads union all select * from cross_sell) as prospects
inner join people on people.party_id = prospects.party_id
cross join as_of
left join renewals on renewals.party_id = people.party_id
left join seats on seats.party_id = people.party_id
where people.contact_basis is not null
