{{ incremental_staging('finance', 'payout', 'payout_no') }}

with source as (
    {{ current_rows('finance', 'payout') }}
),

renamed as (
    select
        {{ clean_text('payout_no') }} as payout_no,
        {{ clean_text('claim_no') }} as claim_no,
        {{ clean_text('payee_name') }} as payee_name,
        {{ map_code('finance', 'id_type', 'payee_id_type') }} as payee_id_type,
        {{ clean_identifier('payee_id_no') }} as payee_id_no,
        {{ digits_only('payee_account_no') }} as payee_account_no,
        {{ clean_text('payee_bank') }} as payee_bank,
        {{ try_to_yuan(clean_text('amount_fen'), fen=true) }} as amount,
        {{ try_to_date(clean_text('pay_date'), '%Y%m%d') }} as pay_date,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
