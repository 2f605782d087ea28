{#- Report 9, policies and claims by customer segment (value class). -#}

select
    coalesce(value_class, '(none)') as segment,
    count(*) as customers,
    sum(policies_total) as policies,
    sum(policies_in_force) as policies_in_force,
    sum(premium_in_force) as premium_in_force,
    sum(claims_total) as claims,
    sum(claims_paid) as claims_paid
from {{ ref('customer_360') }}
group by coalesce(value_class, '(none)')
