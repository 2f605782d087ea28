with source as (
    select * from {{ source('stewardship', 'manual_customer') }}
),

renamed as (
    select
        manual_key,
        party_type,
        {{ clean_text('name') }} as name,
        id_type,
        {{ clean_identifier('id_no') }} as id_no,
        gender,
        birth_date,
        {{ normalize_mobile('mobile') }} as mobile,
        'stewardship__manual_customer__' || cast(request_id as {{ dbt.type_string() }})
            as _batch_id,
        created_at
    from source
)

select * from renamed
