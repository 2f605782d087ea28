{#- 电销名单: people telesales may call. LEAD: a lead who consented to marketing and
    holds no policy yet. CROSS_SELL: a customer holding a product line of
    reference_data/seeds/cross_sell_rule.csv but not its suggested line. Both must be
    active, reachable, not on do-not-call and without an open complaint. -#}

with people as (
    select * from {{ ref('customer_360') }}
    where party_type = 'P' and status = 'ACTIVE' and is_contactable and not has_open_complaint
),

held as (
    select distinct holder_party_id as party_id, product_line
    from {{ ref('policy_summary') }}
    where is_in_force
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
    select mention.party_id, min(lead.assigned_seat) as assigned_seat
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
    people.name,
    people.mobile,
    people.city,
    people.value_class,
    seats.assigned_seat
from (select * from leads union all select * from cross_sell) as prospects
inner join people on people.party_id = prospects.party_id
left join seats on seats.party_id = people.party_id
