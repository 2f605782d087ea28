{#- Building blocks of quality.dq_exception. -#}

{#- Raw rows that are not a current staging row, with what became of them. -#}
{% macro disposition_exceptions(system, entity, key) -%}
    select
        'stg_{{ system }}__{{ entity }}' as model,
        '{{ system }}' as source_system,
        '{{ entity }}' as source_entity,
        _key as source_key,
        cast(null as {{ dbt.type_string() }}) as field,
        _disposition as rule,
        'INFO' as severity,
        cast(null as {{ dbt.type_string() }}) as value_masked,
        _batch_id,
        _row_number
    from {{ disposition_relation(system, entity) }}
    where _disposition <> 'CURRENT'
{%- endmacro %}

{#- Values of current staging rows that could not be used: a code not in the code map
    (UNMAPPED_CODE) or a value present in raw that did not parse (UNPARSABLE).
    `checks` maps staging column → [raw column, rule, masking kind]. -#}
{% macro value_exceptions(system, entity, key, checks) -%}
    {%- for column, check in checks.items() %}
    select
        'stg_{{ system }}__{{ entity }}' as model,
        '{{ system }}' as source_system,
        '{{ entity }}' as source_entity,
        staged.{{ key }} as source_key,
        '{{ column }}' as field,
        '{{ check[1] }}' as rule,
        'WARNING' as severity,
        {{ mask('raw_rows.' ~ check[0], check[2]) }} as value_masked,
        staged._batch_id,
        staged._row_number
    from {{ ref('stg_' ~ system ~ '__' ~ entity) }} as staged
    inner join {{ ref('base_' ~ system ~ '__' ~ entity) }} as raw_rows
        on raw_rows._batch_id = staged._batch_id and raw_rows._row_number = staged._row_number
    where
        {%- if check[1] == 'UNMAPPED_CODE' %} staged.{{ column }} = 'UNMAPPED'
        {%- else %} staged.{{ column }} is null and {{ clean_text('raw_rows.' ~ check[0]) }} is not null
        {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
