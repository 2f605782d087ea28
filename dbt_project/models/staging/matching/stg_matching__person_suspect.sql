{#- Ephemeral for the reason stg_matching__suspect_group_member gives. -#}
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('matching', 'person_suspect') }}
),

renamed as (
    select
        cast(party_id_a as {{ dbt.type_string() }}) as party_id_a,
        cast(party_id_b as {{ dbt.type_string() }}) as party_id_b,
        cast(match_weight as double precision) as match_weight,
        cast(match_probability as double precision) as match_probability,
        cast(mention_pairs as bigint) as mention_pairs,
        cast(run_id as {{ dbt.type_string() }}) as run_id,
        cast(review_task_id as {{ dbt.type_string() }}) as review_task_id,
        cast(task_probability as double precision) as task_probability,
        cast(evidence as {{ dbt.type_string() }}) as evidence
    from source
)

select * from renamed
