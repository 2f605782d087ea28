{#- Ephemeral for the reason stg_steward__attribute_override gives. -#}
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('stewardship', 'party_status') }}
),

renamed as (
    select
        party_id,
        status,
        request_id,
        changed_at
    from source
)

select * from renamed
