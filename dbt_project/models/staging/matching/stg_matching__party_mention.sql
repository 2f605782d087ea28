{#- Ephemeral for the reason stg_matching__suspect_group_member gives. Not cast: the
    columns keep the types matching wrote, which the marts publish. -#}
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('matching', 'party_mention') }}
),

renamed as (
    select
        mention_id,
        party_type,
        party_id,
        run_id
    from source
)

select * from renamed
