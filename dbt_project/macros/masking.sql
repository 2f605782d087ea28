{#- Personal data shown to people is masked by one mechanism (ARCHITECTURE.md):
    ID numbers keep area code and last four (110101********1234), mobiles their
    prefix and last four (138****5678); short values are hidden entirely. -#}
{% macro mask(expr, kind) -%}
    {%- if kind == 'id' -%}
    case
        when {{ expr }} is null then null
        when length({{ expr }}) >= 10 then
            substr({{ expr }}, 1, 6) || repeat('*', length({{ expr }}) - 10) || substr({{ expr }}, length({{ expr }}) - 3, 4)
        else repeat('*', length({{ expr }}))
    end
    {%- elif kind == 'mobile' -%}
    case
        when {{ expr }} is null then null
        when length({{ expr }}) >= 8 then
            substr({{ expr }}, 1, 3) || repeat('*', length({{ expr }}) - 7) || substr({{ expr }}, length({{ expr }}) - 3, 4)
        else repeat('*', length({{ expr }}))
    end
    {%- else -%}
    {{ expr }}
    {%- endif -%}
{%- endmacro %}
