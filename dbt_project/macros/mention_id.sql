{#- A mention's id: source system, entity, source key and role joined by `|`
    (core|customer|C001|customer). The Python twin is ecif.identifiers.mention_id. -#}
{% macro mention_id(system, entity, key, role) -%}
    ({{ system }} || '|' || {{ entity }} || '|' || {{ key }} || '|' || {{ role }})
{%- endmacro %}
