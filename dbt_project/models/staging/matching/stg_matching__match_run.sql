{#- Ephemeral for the reason stg_matching__suspect_group_member gives. Only the counts
    (older warehouses' runs lack the later columns, such as finished_at), not cast: the
    report publishes them as matching wrote them. -#}
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('matching', 'match_run') }}
),

renamed as (
    select
        run_id,
        mentions,
        parties,
        merges,
        splits,
        person_suspects,
        review_tasks,
        queue_precision,
        suspect_groups
    from source
)

select * from renamed
