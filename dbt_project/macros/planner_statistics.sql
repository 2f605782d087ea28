{#- PostgreSQL plans a query on a freshly built table as if it were empty until
    autovacuum analyzes it, and then nests loops over it: a mart at 50k customers took
    over 15 minutes instead of half a second. Every table dbt builds is analyzed as its
    last step (a post-hook); DuckDB keeps its statistics as it writes. -#}
{% macro analyze_for_planner() -%}
    {%- if target.type == 'postgres' and config.get('materialized') in ('table', 'incremental', 'seed', 'snapshot') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
