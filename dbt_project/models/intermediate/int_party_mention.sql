{%- set no_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- set no_date = 'cast(null as date)' -%}

{#- Every party mention of every source (outputs.md §2 roles) in one shape for
    matching, with standardized identifiers, validity flags and lineage. -#}

with core_customer as (
    select
        'core' as source_system, 'customer' as source_entity, cust_no as source_key,
        'customer' as source_role, party_type, name, id_type, id_no, gender, birth_date,
        mobile, _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_core__customer') }}
),

uw_applicant as (
    select
        'uw', 'uw_case', case_id, 'applicant', {{ no_text }}, applicant_name, applicant_id_type,
        applicant_id_no, applicant_gender, applicant_birth_date, applicant_mobile,
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_uw__uw_case') }}
),

uw_insured as (
    select
        'uw', 'uw_case', case_id, 'insured', {{ no_text }}, insured_name, insured_id_type,
        insured_id_no, insured_gender, insured_birth_date, {{ no_text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_uw__uw_case') }}
    where insured_name is not null or insured_id_no is not null
),

claims_claimant as (
    select
        'claims', 'claim', claim_no, 'claimant', {{ no_text }}, claimant_name, claimant_id_type,
        claimant_id_no, claimant_gender, {{ no_date }}, claimant_mobile,
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_claims__claim') }}
),

telesales_lead as (
    select
        'telesales', 'lead', lead_id, 'lead', 'P', name, {{ no_text }}, {{ no_text }}, gender,
        {{ no_date }}, mobile,
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_telesales__lead') }}
),

finance_payer as (
    select
        'finance', 'receipt', receipt_no, 'payer', {{ no_text }}, payer_name, payer_id_type,
        payer_id_no, {{ no_text }}, {{ no_date }}, {{ no_text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_finance__receipt') }}
),

finance_payee as (
    select
        'finance', 'payout', payout_no, 'payee', {{ no_text }}, payee_name, payee_id_type,
        payee_id_no, {{ no_text }}, {{ no_date }}, {{ no_text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_finance__payout') }}
),

mentions as (
    select * from core_customer
    union all select * from uw_applicant
    union all select * from uw_insured
    union all select * from claims_claimant
    union all select * from telesales_lead
    union all select * from finance_payer
    union all select * from finance_payee
),

standardized as (
    select
        source_system || '|' || source_entity || '|' || source_key || '|' || source_role
            as mention_id,
        source_system,
        source_entity,
        source_key,
        source_role,
        -- a mention without a party type of its own is an organization when its
        -- identifier is an organization's
        coalesce(
            party_type,
            case when id_type in ('USCC', 'ORG', 'BRN') then 'O' else 'P' end
        ) as party_type,
        name,
        id_type,
        case when id_type = 'RID' then {{ normalize_rid('id_no') }} else id_no end as id_no,
        coalesce(gender, 'U') as gender,
        birth_date,
        mobile,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from mentions
),

flagged as (
    select
        standardized.*,
        case
            when id_no is null then false
            when {{ is_repeated_character('id_no') }} then false
            when id_no in (select value from {{ ref('placeholder_value') }} where value_type = 'id_no')
                then false
            when id_type = 'RID' then {{ rid_is_valid('id_no') }}
            when id_type = 'USCC' then {{ uscc_is_valid('id_no') }}
            else length(id_no) >= 5
        end as id_valid,
        case
            when mobile is null then false
            when mobile in (select value from {{ ref('placeholder_value') }} where value_type = 'mobile')
                then false
            else {{ mobile_is_valid('mobile') }}
        end as mobile_valid
    from standardized
)

select * from flagged
