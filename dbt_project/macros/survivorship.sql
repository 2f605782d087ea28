{#- One column per attribute from customer_attribute_lineage's long form:
    pivot_surviving({'name': 'name', 'address': 'address_parts'}) →
    max(case when attribute = 'name' then surviving_value end) as name, ...
    valid_only: the surviving value only when it is valid (is_valid), else null. -#}
{% macro pivot_surviving(columns, valid_only=false) -%}
    {%- for attribute, column in columns.items() %}
        max(case when attribute = '{{ attribute }}' {{- ' and is_valid' if valid_only }}
            then surviving_value end) as {{ column }}
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
