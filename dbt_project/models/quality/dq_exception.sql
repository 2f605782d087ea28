{#- One row per rejected or suspicious value, and per raw row that is not in staging
    with the reason (superseded, deleted, replaced by a FULL batch): every raw row is
    either a current staging row or explained here. Values are masked. Rows of an
    erased person that landing dropped or emptied are here as ERASED, without key. -#}

{%- set sources = [
    ('core', 'customer', 'cust_no'), ('core', 'policy', 'policy_no'),
    ('uw', 'uw_case', 'case_id'), ('claims', 'claim', 'claim_no'),
    ('telesales', 'lead', 'lead_id'), ('telesales', 'contact_event', 'event_id'),
    ('finance', 'receipt', 'receipt_no'), ('finance', 'payout', 'payout_no'),
] -%}
{%- set code = 'UNMAPPED_CODE' -%}
{%- set bad = 'UNPARSABLE' -%}
{%- set value_checks = {
    ('core', 'customer', 'cust_no'): {
        'party_type': ['cust_type', code, 'code'], 'id_type': ['id_type', code, 'code'],
        'gender': ['gender', code, 'code'], 'birth_date': ['birth_date', bad, 'text'],
        'created_date': ['created_date', bad, 'text'], 'updated_date': ['updated_date', bad, 'text']},
    ('core', 'policy', 'policy_no'): {
        'product_line': ['product_line', code, 'code'], 'status': ['status', code, 'code'],
        'channel': ['channel', code, 'code'], 'effective_date': ['effective_date', bad, 'text'],
        'expiry_date': ['expiry_date', bad, 'text'], 'premium': ['premium', bad, 'text'],
        'sum_insured': ['sum_insured', bad, 'text']},
    ('uw', 'uw_case', 'case_id'): {
        'applicant_id_type': ['applicant_id_type', code, 'code'],
        'applicant_gender': ['applicant_gender', code, 'code'],
        'applicant_birth_date': ['applicant_birth_date', bad, 'text'],
        'insured_id_type': ['insured_id_type', code, 'code'],
        'insured_gender': ['insured_gender', code, 'code'],
        'insured_birth_date': ['insured_birth_date', bad, 'text'],
        'risk_class': ['risk_class', code, 'code'], 'decision': ['decision', code, 'code'],
        'decision_date': ['decision_date', bad, 'text']},
    ('claims', 'claim', 'claim_no'): {
        'claimant_id_type': ['claimant_id_type', code, 'code'],
        'claimant_gender': ['claimant_gender', code, 'code'], 'status': ['status', code, 'code'],
        'report_time': ['report_time', bad, 'text'], 'loss_date': ['loss_date', bad, 'text'],
        'claim_amount': ['claim_amount', bad, 'text'], 'paid_amount': ['paid_amount', bad, 'text'],
        'closed_time': ['closed_time', bad, 'text']},
    ('telesales', 'lead', 'lead_id'): {
        'gender': ['gender', code, 'code'], 'birth_year': ['birth_year', bad, 'text'],
        'consent_marketing': ['consent_marketing', bad, 'text'],
        'do_not_call': ['do_not_call', bad, 'text'], 'created_at': ['created_at', bad, 'text'],
        'updated_at': ['updated_at', bad, 'text']},
    ('telesales', 'contact_event', 'event_id'): {
        'event_type': ['event_type', code, 'code'], 'channel': ['channel', code, 'code'],
        'outcome': ['outcome', code, 'code'], 'occurred_at': ['occurred_at', bad, 'text']},
    ('finance', 'receipt', 'receipt_no'): {
        'payer_id_type': ['payer_id_type', code, 'code'], 'pay_method': ['pay_method', code, 'code'],
        'amount': ['amount_fen', bad, 'text'], 'pay_date': ['pay_date', bad, 'text']},
    ('finance', 'payout', 'payout_no'): {
        'payee_id_type': ['payee_id_type', code, 'code'],
        'amount': ['amount_fen', bad, 'text'], 'pay_date': ['pay_date', bad, 'text']},
} -%}

with row_dispositions as (
    {% for system, entity, key in sources %}
    {{ disposition_exceptions(system, entity, key) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

staging_values as (
    {% for (system, entity, key), checks in value_checks.items() %}
    {{ value_exceptions(system, entity, key, checks) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

mentions as (
    select * from {{ ref('int_party_mention') }}
),

mention_values as (
    select 'int_party_mention' as model, source_system, source_entity, source_key,
        source_role || '.id_no' as field, 'ID_' || id_problem as rule,
        case when id_problem = 'PLACEHOLDER' then 'INFO' else 'WARNING' end as severity,
        {{ mask('id_no', 'id') }} as value_masked, _batch_id, _row_number
    from mentions where id_problem is not null and id_problem <> 'EMPTY'
    union all
    select 'int_party_mention', source_system, source_entity, source_key,
        source_role || '.id_no', 'ID_HIGH_FREQUENCY', 'INFO', {{ mask('id_no', 'id') }},
        _batch_id, _row_number
    from mentions where id_valid and not id_informative
    union all
    select 'int_party_mention', source_system, source_entity, source_key,
        source_role || '.id_no', 'ID_INCONSISTENT', 'WARNING', {{ mask('id_no', 'id') }},
        _batch_id, _row_number
    from mentions where not id_consistent
    union all
    select 'int_party_mention', source_system, source_entity, source_key,
        source_role || '.mobile', 'MOBILE_' || mobile_problem,
        case when mobile_problem = 'PLACEHOLDER' then 'INFO' else 'WARNING' end,
        {{ mask('mobile', 'mobile') }}, _batch_id, _row_number
    from mentions where mobile_problem is not null and mobile_problem <> 'EMPTY'
    union all
    select 'int_party_mention', source_system, source_entity, source_key,
        source_role || '.mobile', 'MOBILE_HIGH_FREQUENCY', 'INFO', {{ mask('mobile', 'mobile') }},
        _batch_id, _row_number
    from mentions where mobile_valid and not mobile_informative
    union all
    select 'int_party_mention', source_system, source_entity, source_key,
        source_role || '.phone', 'PHONE_' || phone_problem, 'WARNING',
        {{ mask('phone', 'mobile') }}, _batch_id, _row_number
    from mentions where phone_problem is not null
    union all
    select 'int_party_mention', source_system, source_entity, source_key,
        source_role || '.email', 'EMAIL_' || email_problem, 'WARNING', email,
        _batch_id, _row_number
    from mentions where email_problem is not null
    union all
    -- a name no one carries (control characters, `>`, a page of text): the value is
    -- personal data and not shown
    select 'int_party_mention', source_system, source_entity, source_key,
        source_role || '.name', 'NAME_' || name_problem, 'WARNING',
        cast(null as {{ dbt.type_string() }}), _batch_id, _row_number
    from (select mentions.*, {{ name_problem('name', 'party_type') }} as name_problem
          from mentions) as named
    where name_problem is not null
),

erased_on_landing as (
    select 'landing' as model, system as source_system, entity as source_entity,
        cast(null as {{ dbt.type_string() }}) as source_key, field, 'ERASED' as rule,
        'INFO' as severity, cast(null as {{ dbt.type_string() }}) as value_masked,
        batch_id as _batch_id, row_number as _row_number
    from {{ ref('stg_landing__landing_erased') }}
)

select * from row_dispositions
union all
select * from erased_on_landing
union all
select * from staging_values
union all
select * from mention_values
