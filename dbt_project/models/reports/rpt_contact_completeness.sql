{#- Report 3, contact completeness by source system: the share of mentions with a
    valid mobile, an address and a valid e-mail. -#}

select
    source_system,
    count(*) as mentions,
    avg(case when mobile_valid then 1.0 else 0.0 end) as mobile_share,
    avg(case when address is not null then 1.0 else 0.0 end) as address_share,
    avg(case when email is not null and email_problem is null then 1.0 else 0.0 end)
        as email_share
from {{ ref('int_party_mention') }}
group by source_system
