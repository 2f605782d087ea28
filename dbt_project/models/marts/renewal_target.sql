{#- 续保名单: in-force policies expiring within renewal_horizon_days of the latest
    business date and not yet renewed, whose holder is active, reachable by mobile,
    not on do-not-call and without an open complaint. `ecif export renewal-targets
    --within-days N` narrows the window. Built whole each night: the window moves
    with the business date, and the list is small. -#}

with parameters as (
    select max(case when parameter = 'renewal_horizon_days' then cast(value as integer) end)
        as horizon_days
    from {{ ref('marketing_parameter') }}
)

select
    policy.policy_no,
    policy.product_line,
    policy.vehicle_plate,
    policy.expiry_date,
    policy.days_to_expiry,
    policy.premium,
    policy.agent_code,
    policy.holder_party_id,
    holder.name as holder_name,
    holder.mobile,
    customer.id_type,
    customer.id_no,
    holder.value_class
from {{ ref('policy_summary') }} as policy
cross join parameters
inner join {{ ref('customer_360') }} as holder on holder.party_id = policy.holder_party_id
inner join {{ ref('customer') }} as customer on customer.party_id = policy.holder_party_id
where policy.status = 'IN_FORCE'
    and not policy.is_renewed
    and policy.days_to_expiry between 0 and parameters.horizon_days
    and holder.status = 'ACTIVE'
    and holder.is_contactable
    and not holder.has_open_complaint
