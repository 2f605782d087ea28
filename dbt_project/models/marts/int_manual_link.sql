{{ config(schema='intermediate') }}

{#- The standing manual links: each row's parties as matching assigns them now (by the
    mention kept with the link; the party id written at the time when that mention is
    gone), and only the newest decision per relationship, or per company for a parent. -#}

with links as (
    select * from {{ ref('stg_steward__manual_link') }}
),

parties as (
    select mention_id, party_id from {{ ref('int_mention_party') }}
),

resolved as (
    select
        links.link_kind,
        coalesce(party.party_id, links.party_id) as party_id,
        case when links.related_party_id is not null
            then coalesce(related.party_id, links.related_party_id) end as related_party_id,
        links.relationship_type,
        links.active,
        links.request_id,
        links.changed_at
    from links
    left join parties as party on party.mention_id = links.party_mention
    left join parties as related on related.mention_id = links.related_mention
),

ranked as (
    select
        resolved.*,
        row_number() over (
            partition by link_kind, party_id,
                case when link_kind = 'RELATIONSHIP' then related_party_id end,
                case when link_kind = 'RELATIONSHIP' then relationship_type end
            order by changed_at desc, request_id desc) as newest
    from resolved
)

select link_kind, party_id, related_party_id, relationship_type, active, request_id
from ranked
where newest = 1
