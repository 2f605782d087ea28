{#- Name standardization. Chinese names: every blank removed (Chinese names carry none,
    `张 伟` is 张伟) and middle-dot variants unified to U+00B7 (买买提•艾力 → 买买提·艾力).
    Latin (pinyin) names: upper case, single spaces. -#}

{% macro has_cjk(expr) -%}
    coalesce({{ expr }} ~ '[一-龥]', false)
{%- endmacro %}

{% macro is_pinyin_name(expr) -%}
    coalesce({{ expr }} ~ '^[A-Za-z][A-Za-z '']*$', false)
{%- endmacro %}

{% macro standardize_person_name(expr) -%}
    {%- set name = clean_text(expr) -%}
    case
        when {{ has_cjk(name) }} then
            translate(regexp_replace({{ name }}, '\s', '', 'g'), '•・．.‧∙⋅･', '········')
        else upper(regexp_replace({{ name }}, '\s+', ' ', 'g'))
    end
{%- endmacro %}

{#- Organization names: brackets unified to (), blanks removed, the legal-form suffix
    in its canonical form (有限责任公司 → 有限公司), so two spellings of one
    registration compare equal. -#}
{% macro standardize_org_name(expr) -%}
    replace(
        translate(regexp_replace({{ clean_text(expr) }}, '\s', '', 'g'), '【】[]〔〕', '()()()'),
        '有限责任公司', '有限公司')
{%- endmacro %}

{#- One key for the spellings of one registered organization name: the standardized
    name with brackets dropped and every legal form read as 公司 (…股份有限公司 =
    …有限公司 = …股份公司 = …公司), the branch marker kept. Matching compares
    organizations by it. The Python twin is ecif.identifiers.org_name_key. -#}
{% macro org_name_key(org_name_std) -%}
    regexp_replace(regexp_replace({{ org_name_std }}, '[()]', '', 'g'),
                   '(股份)?有限公司|股份公司', '公司', 'g')
{%- endmacro %}

{#- Whether a name is an organization's: it carries a legal form or a word only
    organizations use. Person names never contain these. -#}
{% macro is_org_name(expr) -%}
    coalesce({{ expr }} ~ '(公司|集团|银行|合作社|事务所|研究所|研究院|医院|学校|学院|大学|协会|商会|基金会|委员会|商行|工厂|门市部|经营部|营业部|办事处)', false)
{%- endmacro %}

{#- The branch marker of an organization name: what follows the head company's name
    (上海某某有限公司北京分公司 → 北京分公司), or null for a head office. -#}
{% macro org_branch_marker(org_name_std) -%}
    {{ regex_group(org_name_std, '^.+(?:公司|集团|银行)(.+?(?:分公司|分行|支公司|支行|营业部|办事处|分厂|分部))$') }}
{%- endmacro %}

{% macro org_head_name(org_name_std) -%}
    coalesce(
        {{ regex_group(org_name_std, '^(.+(?:公司|集团|银行)).+?(?:分公司|分行|支公司|支行|营业部|办事处|分厂|分部)$') }},
        {{ org_name_std }})
{%- endmacro %}

{#- The first capture group of a regular expression, or null when it does not match. -#}
{% macro regex_group(expr, pattern) -%}
  {{ return(adapter.dispatch('regex_group')(expr, pattern)) }}
{%- endmacro %}
{% macro default__regex_group(expr, pattern) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', 1), '')
{%- endmacro %}
{% macro postgres__regex_group(expr, pattern) -%}
    substring({{ expr }} from '{{ pattern }}')
{%- endmacro %}

{#- One row per character position 1..length(expr), as a set-returning select item. -#}
{% macro character_positions(expr) -%}
  {{ return(adapter.dispatch('character_positions')(expr)) }}
{%- endmacro %}
{% macro default__character_positions(expr) -%}
    unnest(range(1, length({{ expr }}) + 1))
{%- endmacro %}
{% macro postgres__character_positions(expr) -%}
    generate_series(1, length({{ expr }}))
{%- endmacro %}

{% macro string_agg_ordered(expr, order_by) -%}
    string_agg({{ expr }}, '' order by {{ order_by }})
{%- endmacro %}

{#- A cleaned name (clean_text) a person could carry, or why not: TOO_LONG (more than
    the name_max_length parameter), BAD_CHARACTER (anything but Chinese characters,
    Latin letters, blanks and name punctuation; organizations also digits, brackets
    and &: control characters, NUL, `>`), NO_LETTER. The Python twin is
    ecif.identifiers.name_problem. -#}
{% macro name_problem(name, party_type) -%}
    {%- set letters = "A-Za-z一-龥㐀-䶵" -%}
    {%- set punctuation = " ·•・．.‧∙⋅･''-" -%}
    case
        when {{ name }} is null then null
        when length({{ name }}) > (select cast(value as integer) from {{ ref('dq_rule_parameter') }}
                                   where parameter = 'name_max_length') then 'TOO_LONG'
        when {{ party_type }} = 'O' and not {{ name }} ~ '^[{{ letters }}0-9()【】〔〕&{{ punctuation }}]+$'
            then 'BAD_CHARACTER'
        when {{ party_type }} <> 'O' and not {{ name }} ~ '^[{{ letters }}{{ punctuation }}]+$'
            then 'BAD_CHARACTER'
        when not {{ name }} ~ '[{{ letters }}]' then 'NO_LETTER'
    end
{%- endmacro %}
