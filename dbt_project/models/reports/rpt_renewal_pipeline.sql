{#- Report 10, renewal pipeline: in-force policies not yet renewed, by the week they
    expire in (within renewal_horizon_days), and the share whose holder can be called. -#}

with parameters as (
    select max(case when parameter = 'renewal_horizon_days' then cast(value as integer) end)
        as horizon_days
    from {{ ref('marketing_parameter') }}
)

select
    cast(floor(policy.days_to_expiry / 7.0) as integer) + 1 as due_week,
    count(*) as policies_due,
    sum(case when holder.is_contactable then 1 else 0 end) as contactable,
    avg(case when holder.is_contactable then 1.0 else 0.0 end) as contactable_share
from {{ ref('policy_summary') }} as policy
cross join parameters
left join {{ ref('customer_360') }} as holder on holder.party_id = policy.holder_party_id
where policy.status = 'IN_FORCE'
    and not policy.is_renewed
    and policy.days_to_expiry between 0 and parameters.horizon_days
group by cast(floor(policy.days_to_expiry / 7.0) as integer) + 1
