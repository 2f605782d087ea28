{#- Custom schemas are used as named (staging, marts, ...) by the production targets
    (duckdb, postgres): the schema names are part of the public contract (outputs.md)
    and Python reads the tables by them. A developer's target (its name starts with
    `dev`) prefixes each with its own schema instead (`dev_alice_marts`), as
    jaffle-shop does, so that several people can build on one shared PostgreSQL
    without replacing each other's (or production's) tables. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if not custom_schema_name -%}
        {{ target.schema }}
    {%- elif target.name.startswith('dev') -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
