{#- 企业层级: every organization with each of its ancestors through core's
    parent_cust_no, at any depth. A steward's parent company (int_manual_link) wins
    over core's for that company, or takes its parent away. Cycle-safe: a path never
    revisits a party, and depth is bounded (steward requests that would close a cycle
    are refused: ecif.stewardship.links). -#}

with recursive derived_edges as (
    select distinct child.party_id as party_id, parent.party_id as parent_party_id
    from {{ ref('int_mention_party') }} as child
    inner join {{ ref('int_mention_party') }} as parent
        on parent.source_system = 'core' and parent.source_entity = 'customer'
        and parent.source_key = child.parent_cust_no
    where child.source_system = 'core' and child.source_entity = 'customer'
        and child.party_type = 'O' and parent.party_type = 'O'
        and child.party_id <> parent.party_id
),

manual as (
    select party_id, related_party_id as parent_party_id, active
    from {{ ref('int_manual_link') }}
    where link_kind = 'PARENT'
),

edges as (
    select party_id, parent_party_id from derived_edges
    where party_id not in (select party_id from manual)
    union
    select party_id, parent_party_id from manual
    where active and party_id <> parent_party_id
),

ancestry (party_id, ancestor_party_id, depth, path) as (
    select party_id, parent_party_id, 1,
        cast('/' || party_id || '/' || parent_party_id || '/' as {{ dbt.type_string() }})
    from edges
    union all
    select ancestry.party_id, edges.parent_party_id, ancestry.depth + 1,
        cast(ancestry.path || edges.parent_party_id || '/' as {{ dbt.type_string() }})
    from ancestry
    inner join edges on edges.party_id = ancestry.ancestor_party_id
    where ancestry.path not like '%/' || edges.parent_party_id || '/%'
        and ancestry.depth < 50
),

roots as (
    -- the top of each party's chain: the ancestor with no parent of its own, or, in a
    -- cycle, the deepest one reached
    select party_id, ancestor_party_id as root_party_id
    from (
        select
            party_id,
            ancestor_party_id,
            row_number() over (partition by party_id order by depth desc, ancestor_party_id)
                as rank_from_top
        from ancestry
    ) as ranked
    where rank_from_top = 1
)

select
    ancestry.party_id,
    ancestry.ancestor_party_id,
    ancestry.depth,
    roots.root_party_id,
    ancestry.path,
    -- how the first step up was set: by a steward or by core
    case when manual.party_id is null then 'DERIVED' else 'MANUAL' end as parent_origin
from ancestry
inner join roots on roots.party_id = ancestry.party_id
left join manual on manual.party_id = ancestry.party_id and manual.active
