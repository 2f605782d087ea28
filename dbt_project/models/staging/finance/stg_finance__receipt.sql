{{ incremental_staging('finance', 'receipt', 'receipt_no') }}

with source as (
    {{ current_rows('finance', 'receipt') }}
),

renamed as (
    select
        {{ clean_text('receipt_no') }} as receipt_no,
        {{ clean_text('policy_no') }} as policy_no,
        {{ clean_text('payer_name') }} as payer_name,
        {{ map_code('finance', 'id_type', 'payer_id_type') }} as payer_id_type,
        {{ clean_identifier('payer_id_no') }} as payer_id_no,
        {{ digits_only('payer_account_no') }} as payer_account_no,
        {{ clean_text('payer_bank') }} as payer_bank,
        {{ try_to_yuan(clean_text('amount_fen'), fen=true) }} as amount,
        {{ try_to_date(clean_text('pay_date'), '%Y%m%d') }} as pay_date,
        {{ map_code('finance', 'pay_method', 'upper(pay_method)') }} as pay_method,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
