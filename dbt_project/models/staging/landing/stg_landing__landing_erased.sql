with source as (
    select * from {{ source('landing', 'landing_erased') }}
),

renamed as (
    select
        batch_id,
        system,
        entity,
        row_number,
        field
    from source
)

select * from renamed
