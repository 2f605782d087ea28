{#- One column per attribute from customer_attribute_lineage's long form:
    pivot_surviving({'name': 'name', 'address': 'address_parts'}) →
    max(case when attribute = 'name' then surviving_value end) as name, ... -#}
{% macro pivot_surviving(columns) -%}
    {%- for attribute, column in columns.items() %}
        max(case when attribute = '{{ attribute }}' then surviving_value end) as {{ column }}
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
