{#- Ephemeral: the quality gate writes this table after the staging step (on the first
    night it creates it then), so no view may be built over it in that step. The
    reports that read it inline it when they are built, after matching. Not cast: the
    scorecard publishes the types the gate wrote. -#}
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('quality_results', 'validation_result') }}
),

renamed as (
    select
        run_id,
        suite,
        expectation,
        check_name,
        metric,
        source_system,
        dimension,
        severity,
        min_value,
        max_value,
        observed_value,
        success,
        checked_at
    from source
)

select * from renamed
