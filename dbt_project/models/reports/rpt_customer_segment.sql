{#- Report 7, customers by type, region (province) and segment (value class). -#}

select
    party_type,
    coalesce(province, '(unknown)') as region,
    coalesce(value_class, '(none)') as segment,
    count(*) as customers
from {{ ref('customer_360') }}
group by party_type, coalesce(province, '(unknown)'), coalesce(value_class, '(none)')
