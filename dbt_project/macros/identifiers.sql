{#- Identifier standardization and validation (source-extracts.md §6). -#}

{#- Check character of a resident ID (GB 11643, ISO 7064 MOD 11-2) over its first 17
    digits. ascii() - 48 reads a digit without a cast that could fail. -#}
{% macro rid_check_char(id17) -%}
    {%- set weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] -%}
    substr('10X98765432', cast((
        {%- for w in weights %}(ascii(substr({{ id17 }}, {{ loop.index }}, 1)) - 48) * {{ w }}
        {%- if not loop.last %} + {% endif %}{% endfor -%}
    ) % 11 as integer) + 1, 1)
{%- endmacro %}

{#- A resident ID in its 18-character form: cleaned, and a 15-digit legacy ID upgraded
    (19 inserted before the year, check character appended). -#}
{% macro normalize_rid(expr) -%}
    case
        when {{ clean_identifier(expr) }} ~ '^[0-9]{15}$' then
            substr({{ clean_identifier(expr) }}, 1, 6) || '19' || substr({{ clean_identifier(expr) }}, 7, 9)
            || {{ rid_check_char("(substr(" ~ clean_identifier(expr) ~ ", 1, 6) || '19' || substr(" ~ clean_identifier(expr) ~ ", 7, 9))") }}
        else {{ clean_identifier(expr) }}
    end
{%- endmacro %}

{#- True when an 18-character resident ID has the right shape, check character and a
    real birth date. -#}
{% macro rid_is_valid(rid18) -%}
    coalesce(
        {{ rid18 }} ~ '^[0-9]{17}[0-9X]$'
        and {{ rid_check_char(rid18) }} = substr({{ rid18 }}, 18, 1)
        and {{ try_to_date("substr(" ~ rid18 ~ ", 7, 8)", "%Y%m%d") }} is not null,
        false)
{%- endmacro %}

{#- True when a USCC (GB 32100) has the right alphabet and check character. -#}
{% macro uscc_is_valid(uscc) -%}
    {%- set alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY' -%}
    {%- set weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] -%}
    coalesce(
        {{ uscc }} ~ '^[0-9A-HJ-NPQRTUW-Y]{18}$'
        and substr('{{ alphabet }}', cast((31 - (
            {%- for w in weights %}(strpos('{{ alphabet }}', substr({{ uscc }}, {{ loop.index }}, 1)) - 1) * {{ w }}
            {%- if not loop.last %} + {% endif %}{% endfor -%}
        ) % 31) % 31 as integer) + 1, 1) = substr({{ uscc }}, 18, 1),
        false)
{%- endmacro %}

{#- A mobile as 11 digits: full-width digits, blanks, hyphens and a +86/0086/86 prefix
    removed. Anything that is not then 1[3-9]+9 digits is kept as cleaned digits and
    flagged invalid by mobile_is_valid. -#}
{% macro normalize_mobile(expr) -%}
    regexp_replace({{ digits_only(expr) }}, '^(0086|86)(1[3-9][0-9]{9})$', '\2')
{%- endmacro %}

{% macro mobile_is_valid(mobile) -%}
    coalesce({{ mobile }} ~ '^1[3-9][0-9]{9}$', false)
{%- endmacro %}

{#- A value of one repeated character (111111111111111111, 00000000000) identifies no one. -#}
{% macro is_repeated_character(expr) -%}
    coalesce(replace({{ expr }}, substr({{ expr }}, 1, 1), '') = '', false)
{%- endmacro %}
