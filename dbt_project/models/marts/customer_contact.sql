{#- Contact points of each golden customer (mobile, landline, e-mail, address), the
    part of a customer that keeps history besides the basic record. Kept
    incrementally, per party (macros/incremental_marts.sql). -#}
-- depends_on: {{ ref('int_party_mention') }}
{{ incremental_mart(post_hook=["{{ refresh_as_of() }}"]) }}

with lineage as (
    select * from {{ ref('customer_attribute_lineage') }}
    where {{ for_affected_parties('party_id') }}
),

attributes as (
    select
        party_id,
        -- the golden mobile of marts.customer: a valid, informative one or none
        {{ pivot_surviving({'mobile': 'mobile'}, valid_only=true) }},
        {{ pivot_surviving({'phone': 'phone', 'email': 'email', 'address': 'address_parts'}) }}
    from lineage
    group by party_id
)

select
    customer.party_id,
    attributes.mobile,
    attributes.phone,
    attributes.email,
    nullif({{ dbt.split_part('attributes.address_parts', "'|'", 1) }}, '') as province,
    nullif({{ dbt.split_part('attributes.address_parts', "'|'", 2) }}, '') as city,
    nullif({{ dbt.split_part('attributes.address_parts', "'|'", 3) }}, '') as district,
    nullif({{ dbt.split_part('attributes.address_parts', "'|'", 4) }}, '') as address,
    customer.as_of
from {{ ref('customer') }} as customer
left join attributes on attributes.party_id = customer.party_id
where {{ for_affected_parties('customer.party_id') }}
