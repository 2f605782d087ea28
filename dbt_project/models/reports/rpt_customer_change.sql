{#- Report 8, new, changed and deactivated customers per run, dated by the business
    date the run reflected (the snapshot's dbt_valid_from). Deactivated: a version
    that turns the status INACTIVE, or a record whose party disappeared. -#}

with versions as (
    select
        party_id,
        status,
        dbt_valid_from,
        dbt_valid_to,
        row_number() over (partition by party_id order by dbt_valid_from) as version,
        lag(status) over (partition by party_id order by dbt_valid_from) as previous_status,
        lead(dbt_valid_from) over (partition by party_id order by dbt_valid_from) as next_from
    from {{ ref('customer_history') }}
),

events as (
    select cast(dbt_valid_from as date) as business_date,
        case when version = 1 then 'new'
             when status = 'INACTIVE' and previous_status <> 'INACTIVE' then 'deactivated'
             else 'changed' end as change
    from versions
    union all
    select cast(dbt_valid_to as date), 'deactivated'
    from versions
    where dbt_valid_to is not null and next_from is null
)

select
    business_date,
    sum(case when change = 'new' then 1 else 0 end) as new_customers,
    sum(case when change = 'changed' then 1 else 0 end) as changed_customers,
    sum(case when change = 'deactivated' then 1 else 0 end) as deactivated_customers
from events
group by business_date
