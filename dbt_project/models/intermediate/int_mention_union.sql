{#- Every party mention of every current source row (outputs.md §2 roles) side by
    side in one column layout, before standardization (int_party_mention). -#}
{%- set text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- set no_date = 'cast(null as date)' -%}
{%- set no_int = 'cast(null as integer)' -%}

with core_customer as (
    select
        'core' as source_system, 'customer' as source_entity, cust_no as source_key,
        'customer' as source_role, party_type, name, id_type, id_no, gender, birth_date,
        {{ no_int }} as birth_year, mobile, phone, email, province, city, district, address,
        legal_rep, parent_cust_no, agent_code,
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_core__customer') }}
),

uw_applicant as (
    select
        'uw', 'uw_case', case_id, 'applicant', {{ text }}, applicant_name, applicant_id_type,
        applicant_id_no, applicant_gender, applicant_birth_date, {{ no_int }}, applicant_mobile,
        {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }},
        {{ text }}, {{ text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_uw__uw_case') }}
),

uw_insured as (
    select
        'uw', 'uw_case', case_id, 'insured', {{ text }}, insured_name, insured_id_type,
        insured_id_no, insured_gender, insured_birth_date, {{ no_int }}, {{ text }},
        {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }},
        {{ text }}, {{ text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_uw__uw_case') }}
    where insured_name is not null or insured_id_no is not null
),

claims_claimant as (
    select
        'claims', 'claim', claim_no, 'claimant', {{ text }}, claimant_name, claimant_id_type,
        claimant_id_no, claimant_gender, {{ no_date }}, {{ no_int }}, claimant_mobile,
        {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }},
        {{ text }}, {{ text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_claims__claim') }}
    where claimant_name is not null or claimant_id_no is not null
),

telesales_lead as (
    select
        'telesales', 'lead', lead_id, 'lead', 'P', name, {{ text }}, {{ text }}, gender,
        {{ no_date }}, birth_year, mobile,
        {{ text }}, {{ text }}, {{ text }}, city, {{ text }}, {{ text }}, {{ text }},
        {{ text }}, assigned_seat,
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_telesales__lead') }}
),

finance_payer as (
    select
        'finance', 'receipt', receipt_no, 'payer', {{ text }}, payer_name, payer_id_type,
        payer_id_no, {{ text }}, {{ no_date }}, {{ no_int }}, {{ text }},
        {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }},
        {{ text }}, {{ text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_finance__receipt') }}
    where payer_name is not null or payer_id_no is not null
),

finance_payee as (
    select
        'finance', 'payout', payout_no, 'payee', {{ text }}, payee_name, payee_id_type,
        payee_id_no, {{ text }}, {{ no_date }}, {{ no_int }}, {{ text }},
        {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }},
        {{ text }}, {{ text }},
        _batch_id, _business_date, _file, _row_number
    from {{ ref('stg_finance__payout') }}
    where payee_name is not null or payee_id_no is not null
),

steward_customer as (
    -- customers created by hand (stewardship); business date: the day of creation
    select
        'steward', 'manual_customer', manual_key, 'customer', party_type, name, id_type,
        id_no, gender, birth_date, {{ no_int }}, mobile,
        {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }}, {{ text }},
        {{ text }}, {{ text }},
        _batch_id, {{ format_yyyymmdd('created_at') }}, 'stewardship', cast(0 as bigint)
    from {{ ref('stg_steward__manual_customer') }}
)

select * from core_customer
union all select * from steward_customer
union all select * from uw_applicant
union all select * from uw_insured
union all select * from claims_claimant
union all select * from telesales_lead
union all select * from finance_payer
union all select * from finance_payee
