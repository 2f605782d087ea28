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

{#- The organization-name rules of seed org_name_rule, read when the model compiles:
    rule → its [value, replacement] rows, longest value first, so an alternation of the
    values prefers 股份有限公司 to 有限公司 where both start. The Python twin reads the
    seed in ecif.identifiers._org_rules. -#}
{% macro org_name_rules() -%}
    {%- set seed = ref('org_name_rule') -%}   {#- parse time: the model depends on the seed -#}
    {%- set rules = {} -%}
    {%- if execute -%}
        {%- for row in run_query("select rule, value, coalesce(replacement, '') from " ~ seed
                                 ~ " order by rule, length(value) desc, value") -%}
            {%- do rules.setdefault(row[0], []).append([row[1], row[2]]) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(rules) }}
{%- endmacro %}

{#- The words of one rule of org_name_rules() as a regular-expression alternation. -#}
{% macro org_words(rules, rule) -%}
    {{- rules.get(rule, []) | map(attribute=0) | join('|') -}}
{%- endmacro %}

{#- Organization names: brackets unified to (), blanks removed, the legal-form suffix
    in its canonical form (legal_form rules: 有限责任公司 → 有限公司), so two spellings
    of one registration compare equal. -#}
{% macro standardize_org_name(expr) -%}
    {#- a namespace: a plain set inside the loop would not outlive it -#}
    {%- set name = namespace(sql="translate(regexp_replace(" ~ clean_text(expr)
                                 ~ ", '\\s', '', 'g'), '【】[]〔〕', '()()()')") -%}
    {%- for value, replacement in org_name_rules().get('legal_form', []) -%}
        {%- set name.sql = "replace(" ~ name.sql ~ ", '" ~ value ~ "', '" ~ replacement ~ "')" -%}
    {%- endfor -%}
    {{ name.sql }}
{%- endmacro %}

{#- One key for the spellings of one registered organization name: the standardized
    name with brackets dropped and every legal form read as 公司 (name_key_legal_form
    rules: …股份有限公司 = …有限公司 = …股份公司 = …公司), the branch marker kept.
    Matching compares organizations by it. The Python twin is
    ecif.identifiers.org_name_key. -#}
{% macro org_name_key(org_name_std) -%}
    {%- set rules = org_name_rules() -%}
    {%- set forms = rules.get('name_key_legal_form', []) -%}
    {%- set replacements = forms | map(attribute=1) | unique | list -%}
    {%- if execute and replacements | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "org_name_rule: name_key_legal_form needs one replacement, has " ~ replacements) }}
    {%- endif -%}
    regexp_replace(regexp_replace({{ org_name_std }}, '[()]', '', 'g'),
                   '{{ org_words(rules, 'name_key_legal_form') }}', '{{ replacements | first }}', 'g')
{%- endmacro %}

{#- Whether a name is an organization's: it carries a legal form or a word only
    organizations use (org_word rules). Person names never contain these. -#}
{% macro is_org_name(expr) -%}
    coalesce({{ expr }} ~ '({{ org_words(org_name_rules(), 'org_word') }})', false)
{%- endmacro %}

{#- The branch marker of an organization name: what follows the head's name (ending in
    a head_word) up to a branch_word (上海某某有限公司北京分公司 → 北京分公司), or null
    for a head office. -#}
{% macro org_branch_marker(org_name_std) -%}
    {%- set rules = org_name_rules() -%}
    {{ regex_group(org_name_std, '^.+(?:' ~ org_words(rules, 'head_word') ~ ')(.+?(?:'
                                 ~ org_words(rules, 'branch_word') ~ '))$') }}
{%- endmacro %}

{% macro org_head_name(org_name_std) -%}
    {%- set rules = org_name_rules() -%}
    coalesce(
        {{ regex_group(org_name_std, '^(.+(?:' ~ org_words(rules, 'head_word') ~ ')).+?(?:'
                                     ~ org_words(rules, 'branch_word') ~ ')$') }},
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
