{#- 险种概要: per customer (the policy holder) and product, how many policies are in
    force, their premium and sum insured, and the first and latest effective dates of
    all the customer's policies of that product. Built on policy_summary, so "in force"
    means what it means there. Built whole each night: in force moves with the
    business date for every holder. -#}

with policies as (
    select * from {{ ref('policy_summary') }}
    where holder_party_id is not null
)

select
    holder_party_id as party_id,
    product_line,
    product_code,
    count(*) as policies,
    sum(case when is_in_force then 1 else 0 end) as policies_in_force,
    coalesce(sum(case when is_in_force then premium end), 0) as premium_in_force,
    coalesce(sum(case when is_in_force then sum_insured end), 0) as sum_insured_in_force,
    min(effective_date) as first_effective_date,
    max(effective_date) as latest_effective_date
from policies
group by holder_party_id, product_line, product_code
