{{ incremental_staging('telesales', 'lead', 'lead_id') }}

with source as (
    {{ current_rows('telesales', 'lead') }}
),

renamed as (
    select
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('name') }} as name,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ map_code('telesales', 'gender', 'lower(gender)') }} as gender,
        {{ try_to_integer(clean_text('birth_year')) }} as birth_year,
        {{ canonical_region('city', 'city') }} as city,
        {{ clean_text('campaign') }} as campaign,
        {{ to_boolean(clean_text('consent_marketing')) }} as consent_marketing,
        {{ to_boolean(clean_text('do_not_call')) }} as do_not_call,
        {{ clean_text('assigned_seat') }} as assigned_seat,
        {{ try_to_local_timestamp(clean_text('created_at')) }} as created_at,
        {{ try_to_local_timestamp(clean_text('updated_at')) }} as updated_at,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
