{{ config(schema='intermediate') }}

{#- Every current party mention with the party matching resolved it to. It lives with
    the marts because it can only be built after matching has run. -#}

select
    mention.*,
    assignment.party_id
from {{ ref('int_party_mention') }} as mention
inner join {{ source('matching', 'party_mention') }} as assignment
    on assignment.mention_id = mention.mention_id
