{{ incremental_staging('core', 'policy', 'policy_no') }}

with source as (
    {{ current_rows('core', 'policy') }}
),

renamed as (
    select
        {{ clean_text('policy_no') }} as policy_no,
        {{ clean_text('product_code') }} as product_code,
        {{ map_code('core', 'product_line', 'upper(product_line)') }} as product_line,
        {{ clean_text('holder_cust_no') }} as holder_cust_no,
        {{ clean_text('insured_cust_no') }} as insured_cust_no,
        {{ try_to_date(clean_text('effective_date'), '%Y%m%d') }} as effective_date,
        {{ try_to_date(clean_text('expiry_date'), '%Y%m%d') }} as expiry_date,
        {{ try_to_yuan(clean_text('premium')) }} as premium,
        {{ try_to_yuan(clean_text('sum_insured')) }} as sum_insured,
        {{ map_code('core', 'policy_status', 'status') }} as status,
        {{ map_code('core', 'channel', 'upper(channel)') }} as channel,
        {{ clean_text('agent_code') }} as agent_code,
        {{ clean_text('branch_code') }} as branch_code,
        upper({{ clean_identifier('vehicle_plate') }}) as vehicle_plate,
        {{ try_to_date(clean_text('updated_date'), '%Y%m%d') }} as updated_date,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
