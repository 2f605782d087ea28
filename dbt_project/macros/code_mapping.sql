{#- Lookups from reference seeds, inlined as a CASE when the model runs, so staging
    needs no join and stays a plain projection of its source. -#}

{#- The value the rows of `seed` matching `filters` (column → value) give for <expr>
    (key_column → value_column), else <otherwise>. The mapping is inlined as a map
    literal, which evaluates <expr> once per row (a CASE with a branch per key would
    evaluate it once per branch). -#}
{% macro seed_lookup(seed, key_column, value_column, filters, expr, otherwise) -%}
    {%- if execute -%}
        {%- set where = [] -%}
        {%- for column, value in filters.items() -%}
            {%- do where.append(column ~ " = '" ~ value ~ "'") -%}
        {%- endfor -%}
        {%- set rows = run_query(
            "select " ~ key_column ~ ", " ~ value_column ~ " from " ~ ref(seed)
            ~ (" where " ~ where | join(" and ") if where else "")
            ~ " order by 1") -%}
        {%- set mapping = {} -%}
        {%- for row in rows -%}
            {%- do mapping.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        coalesce({{ adapter.dispatch('map_lookup')(mapping, expr) }}, {{ otherwise }})
    {%- else -%}
        {#- parse time: only the dependency on the seed matters -#}
        {%- do ref(seed) -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{% macro default__map_lookup(mapping, expr) -%}
    {%- if mapping -%}
    map_extract_value(MAP { {%- for key, value in mapping.items() -%}
        '{{ key | replace("'", "''") }}': '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%} }, {{ expr }})
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{% macro postgres__map_lookup(mapping, expr) -%}
    ('{{ tojson(mapping) | replace("'", "''") }}'::jsonb ->> ({{ expr }}))
{%- endmacro %}

{#- Source code → standard code (source-extracts.md §4) from the code_map seed. A code
    that is present but not in the map becomes 'UNMAPPED', never a silent null
    (dq_exception reports it). -#}
{% macro map_code(system, code_type, expr) -%}
    {%- set value = clean_text(expr) -%}
    {{ seed_lookup('code_map', 'source_code', 'standard_code',
                   {'system': system, 'code_type': code_type}, value,
                   "case when " ~ value ~ " is not null then 'UNMAPPED' end") }}
{%- endmacro %}

{#- Province, city or district by its canonical name (北京 → 北京市, 广西 → 广西壮族自治区)
    from the region_alias seed; a name not in the list is kept as written. -#}
{% macro canonical_region(level, expr) -%}
    {%- set value = clean_text(expr) -%}
    {{ seed_lookup('region_alias', 'alias', 'canonical', {'level': level}, value, value) }}
{%- endmacro %}
