with source as (
    select * from {{ source('stewardship', 'manual_link') }}
),

renamed as (
    select
        link_kind,
        party_id,
        party_mention,
        related_party_id,
        related_mention,
        relationship_type,
        active,
        request_id,
        changed_at
    from source
)

select * from renamed
