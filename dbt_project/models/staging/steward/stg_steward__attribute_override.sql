{#- Ephemeral, unlike the other steward models: only the marts read it, and a steward's
    decision rebuilds the marts without the staging step (ecif.stewardship.service):
    inlined, it needs no staging relation built first. -#}
{{ config(materialized='ephemeral') }}

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
