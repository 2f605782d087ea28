{#- Report 6, code-mapping exceptions (dq_exception UNMAPPED_CODE) by source system and
    code type; every code type of the code map is listed, with zero when clean. A
    staging field and its code type share a suffix (applicant_gender → gender,
    status → policy_status). -#}

with code_types as (
    select distinct system as source_system, code_type from {{ ref('code_map') }}
),

unmapped as (
    select source_system, field from {{ ref('dq_exception') }} where rule = 'UNMAPPED_CODE'
)

select
    code_types.source_system,
    code_types.code_type,
    count(unmapped.field) as exceptions
from code_types
left join unmapped
    on unmapped.source_system = code_types.source_system
    and (unmapped.field like '%' || code_types.code_type
         or code_types.code_type like '%' || unmapped.field)
group by code_types.source_system, code_types.code_type
