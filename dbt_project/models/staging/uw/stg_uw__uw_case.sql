{{ incremental_staging('uw', 'uw_case', 'case_id') }}

with source as (
    {{ current_rows('uw', 'uw_case') }}
),

renamed as (
    select
        {{ clean_text('case_id') }} as case_id,
        {{ clean_text('policy_no') }} as policy_no,
        {{ clean_text('applicant_name') }} as applicant_name,
        {{ map_code('uw', 'id_type', 'upper(applicant_id_type)') }} as applicant_id_type,
        {{ clean_identifier('applicant_id_no') }} as applicant_id_no,
        {{ map_code('uw', 'gender', 'upper(applicant_gender)') }} as applicant_gender,
        {{ try_to_date(clean_text('applicant_birth_date'), '%Y-%m-%d') }} as applicant_birth_date,
        {{ normalize_mobile('applicant_mobile') }} as applicant_mobile,
        {{ clean_text('insured_name') }} as insured_name,
        {{ map_code('uw', 'id_type', 'upper(insured_id_type)') }} as insured_id_type,
        {{ clean_identifier('insured_id_no') }} as insured_id_no,
        {{ map_code('uw', 'gender', 'upper(insured_gender)') }} as insured_gender,
        {{ try_to_date(clean_text('insured_birth_date'), '%Y-%m-%d') }} as insured_birth_date,
        {{ map_code('uw', 'risk_class', 'upper(risk_class)') }} as risk_class,
        {{ map_code('uw', 'decision', 'upper(decision)') }} as decision,
        {{ try_to_date(clean_text('decision_date'), '%Y-%m-%d') }} as decision_date,
        {{ clean_text('underwriter_id') }} as underwriter_id,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from source
)

select * from renamed
