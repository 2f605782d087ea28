{#- Source code → standard code (source-extracts.md §4) from the `code_map` seed.
    The mapping is inlined as a CASE when the model runs, so staging needs no join.
    A code that is present but not in the map becomes 'UNMAPPED', never a silent null. -#}
{% macro map_code(system, code_type, expr) -%}
    {%- set code_map = ref('code_map') -%}
    {%- set value = clean_text(expr) -%}
    {%- if execute -%}
        {%- set rows = run_query(
            "select source_code, standard_code from " ~ code_map
            ~ " where system = '" ~ system ~ "' and code_type = '" ~ code_type ~ "'"
            ~ " order by source_code") -%}
        case {{ value }}
        {%- for row in rows %}
            when '{{ row[0] }}' then '{{ row[1] }}'
        {%- endfor %}
            else case when {{ value }} is not null then 'UNMAPPED' end
        end
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
