with source as (
    select * from {{ source('stewardship', 'attribute_override') }}
),

renamed as (
    select
        party_id,
        attribute,
        override_value,
        effective_date,
        request_id,
        origin,
        revoked
    from source
)

select * from renamed
