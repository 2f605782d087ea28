{#- PostgreSQL plans a query on a freshly built table as if it were empty until
    autovacuum analyzes it, and then nests loops over it: a mart at 50k customers took
    over 15 minutes instead of half a second. Every table dbt builds is analyzed as its
    last step (a post-hook); DuckDB keeps its statistics as it writes. -#}
{% macro analyze_for_planner() -%}
    {%- if target.type == 'postgres' and config.get('materialized') in ('table', 'incremental', 'seed', 'snapshot') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- PostgreSQL compiles a query with LLVM once its estimated cost passes jit_above_cost,
    and optimizes the code past jit_optimize_above_cost. The standardization's long
    expressions (regular expressions, CASEs over every identifier) put the first build
    of int_party_mention_delta far past both: on 1,500 persons its compilation took
    202 s, the query itself 0.7 s (2026-12-01). JIT gains nothing here (regular
    expressions are calls it cannot compile), so dbt's sessions run without it, as
    ecif's own do (ecif.warehouse). A pre-hook of every model, seed and snapshot. -#}
{% macro planner_settings() -%}
    {%- if target.type == 'postgres' -%}
        set jit = off
    {%- endif -%}
{%- endmacro %}
