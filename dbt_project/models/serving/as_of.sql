{#- One row: the latest business date the published marts were built from (the date of
    their `as_of`, macro marts_as_of), as YYYYMMDD; steward decisions and publications
    are dated with it. -#}

select max(_business_date) as business_date
from {{ ref('int_party_mention') }}
