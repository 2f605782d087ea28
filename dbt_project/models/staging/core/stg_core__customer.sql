{{ incremental_staging('core', 'customer', 'cust_no') }}

with source as (
    {{ current_rows('core', 'customer') }}
),

renamed as (
    select
        {{ clean_text('cust_no') }} as cust_no,
        {{ map_code('core', 'party_type', 'cust_type') }} as party_type,
        {{ clean_text('name') }} as name,
        {{ map_code('core', 'id_type', 'id_type') }} as id_type,
        {{ clean_identifier('id_no') }} as id_no,
        {{ map_code('core', 'gender', 'gender') }} as gender,
        {{ try_to_date(clean_text('birth_date'), '%Y%m%d') }} as birth_date,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ clean_text('phone') }} as phone,
        lower({{ clean_text('email') }}) as email,
        {{ canonical_region('province', 'province') }} as province,
        {{ canonical_region('city', 'city') }} as city,
        {{ canonical_region('district', 'district') }} as district,
        {{ clean_text('address') }} as address,
        {{ clean_text('postcode') }} as postcode,
        {{ clean_text('occupation_code') }} as occupation_code,
        {{ clean_text('industry_code') }} as industry_code,
        {{ clean_text('legal_rep') }} as legal_rep,
        {{ clean_text('parent_cust_no') }} as parent_cust_no,
        {{ clean_text('agent_code') }} as agent_code,
        {{ try_to_date(clean_text('created_date'), '%Y%m%d') }} as created_date,
        {{ try_to_date(clean_text('updated_date'), '%Y%m%d') }} as updated_date,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
