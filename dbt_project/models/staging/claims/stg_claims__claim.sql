{{ incremental_staging('claims', 'claim', 'claim_no') }}

with source as (
    {{ current_rows('claims', 'claim') }}
),

renamed as (
    select
        {{ clean_text('claim_no') }} as claim_no,
        {{ clean_text('policy_no') }} as policy_no,
        {{ try_to_timestamp(clean_text('report_time'), '%Y/%m/%d %H:%M:%S') }} as report_time,
        {{ normalize_mobile('report_phone') }} as report_phone,
        {{ clean_text('reporter_name') }} as reporter_name,
        {{ clean_text('claimant_name') }} as claimant_name,
        {{ map_code('claims', 'id_type', 'claimant_id_type') }} as claimant_id_type,
        {{ clean_identifier('claimant_id_no') }} as claimant_id_no,
        {{ map_code('claims', 'gender', 'claimant_gender') }} as claimant_gender,
        {{ normalize_mobile('claimant_mobile') }} as claimant_mobile,
        {{ try_to_date(clean_text('loss_date'), '%Y/%m/%d') }} as loss_date,
        {{ clean_text('loss_cause') }} as loss_cause,
        {{ clean_text('loss_description') }} as loss_description,
        {{ try_to_yuan(clean_text('claim_amount')) }} as claim_amount,
        {{ try_to_yuan(clean_text('paid_amount')) }} as paid_amount,
        {{ map_code('claims', 'claim_status', 'status') }} as status,
        {{ try_to_timestamp(clean_text('closed_time'), '%Y/%m/%d %H:%M:%S') }} as closed_time,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
