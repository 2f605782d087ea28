{#- Custom schemas are used as named (staging, marts, ...): the schema names are
    part of the public contract (outputs.md), not prefixed with the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
