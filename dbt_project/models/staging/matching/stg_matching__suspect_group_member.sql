{#- Ephemeral, unlike the other staging models: matching writes this table after the
    staging step has run, so no view may be built over it then (PostgreSQL would also
    refuse matching's drop of a table a view depends on). The marts that read it inline
    it when they are built, after matching. -#}
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('matching', 'suspect_group_member') }}
),

renamed as (
    select
        cast(suspect_group_id as {{ dbt.type_string() }}) as suspect_group_id,
        cast(party_id as {{ dbt.type_string() }}) as party_id,
        cast(score as double precision) as score,
        cast(run_id as {{ dbt.type_string() }}) as run_id
    from source
)

select * from renamed
