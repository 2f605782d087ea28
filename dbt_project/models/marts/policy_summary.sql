{#- 承保概要: the latest state of every policy with its holder and insured parties,
    whether it has been renewed, and its days to expiry as of the latest business
    date. A renewal has the same holder and subject (vehicle plate, else product) and
    takes effect within renewal_grace_days of the expiry. Built whole each night, not
    per affected party (macros/incremental_marts.sql): days_to_expiry and is_in_force
    move with the business date for every policy. -#}

with policies as (
    select * from {{ ref('stg_core__policy') }}
),

core_parties as (
    select source_key as cust_no, party_id
    from {{ ref('int_mention_party') }}
    where source_system = 'core' and source_entity = 'customer'
),

parameters as (
    select max(case when parameter = 'renewal_grace_days' then cast(value as integer) end)
        as grace_days
    from {{ ref('marketing_parameter') }}
),

as_of as (
    select {{ try_to_date('max(_business_date)', '%Y%m%d') }} as business_date
    from {{ ref('int_party_mention') }}
),

renewals as (
    select
        policy.policy_no,
        min(renewal.policy_no) as renewed_by_policy_no
    from policies as policy
    cross join parameters
    inner join policies as renewal
        on renewal.holder_cust_no = policy.holder_cust_no
        and coalesce(renewal.vehicle_plate, renewal.product_code)
            = coalesce(policy.vehicle_plate, policy.product_code)
        and renewal.policy_no <> policy.policy_no
        and renewal.effective_date > policy.effective_date
        and renewal.effective_date between
            {{ dbt.dateadd('day', '-1 * parameters.grace_days', 'policy.expiry_date') }}
            and {{ dbt.dateadd('day', 'parameters.grace_days', 'policy.expiry_date') }}
    group by policy.policy_no
)

select
    policies.policy_no,
    policies.product_code,
    policies.product_line,
    holder.party_id as holder_party_id,
    insured.party_id as insured_party_id,
    policies.effective_date,
    policies.expiry_date,
    policies.premium,
    policies.sum_insured,
    policies.status,
    policies.channel,
    policies.agent_code,
    policies.branch_code,
    policies.vehicle_plate,
    renewals.renewed_by_policy_no,
    renewals.renewed_by_policy_no is not null as is_renewed,
    {{ dbt.datediff('as_of.business_date', 'policies.expiry_date', 'day') }} as days_to_expiry,
    policies.status = 'IN_FORCE' and policies.expiry_date >= as_of.business_date as is_in_force
from policies
cross join as_of
left join core_parties as holder on holder.cust_no = policies.holder_cust_no
left join core_parties as insured on insured.cust_no = policies.insured_cust_no
left join renewals on renewals.policy_no = policies.policy_no
