{#- Identifier standardization and validation (source-extracts.md §6).
    Each `*_problem` macro returns null for a good value or a reason code:
      PLACEHOLDER  a known dummy or one repeated character (identifies no one)
      BAD_FORMAT   wrong length or characters
      BAD_CHECK    the check character does not match
      BAD_BIRTH_DATE / BAD_ORG_CODE  an embedded part is impossible
    Invalid values are kept (a typo'd ID still helps matching) but never become a
    strong key. Digits are read with ascii() - 48, a cast that cannot fail. -#}

{% macro _weighted_sum(expr, weights, value_of) -%}
    ({%- for w in weights %}({{ value_of | replace('$', 'substr(' ~ expr ~ ', ' ~ loop.index ~ ', 1)') }}) * {{ w }}
    {%- if not loop.last %} + {% endif %}{% endfor -%})
{%- endmacro %}

{#- Resident ID (GB 11643): check character by ISO 7064 MOD 11-2 over the first 17 digits. -#}
{% macro rid_check_char(id17) -%}
    substr('10X98765432', cast({{ _weighted_sum(id17, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], 'ascii($) - 48') }} % 11 as integer) + 1, 1)
{%- endmacro %}

{#- The 18-character form: cleaned, upper-case X, and a 15-digit legacy ID upgraded
    (19 inserted before the two-digit year, check character appended). -#}
{% macro normalize_rid(expr) -%}
    {%- set id = clean_identifier(expr) -%}
    {%- set upgraded = "(substr(" ~ id ~ ", 1, 6) || '19' || substr(" ~ id ~ ", 7, 9))" -%}
    case
        when {{ id }} ~ '^[0-9]{15}$' then {{ upgraded }} || {{ rid_check_char(upgraded) }}
        else {{ id }}
    end
{%- endmacro %}

{% macro is_placeholder(expr, value_type) -%}
    ({{ is_repeated_character(expr) }}
     or {{ expr }} in (select value from {{ ref('placeholder_value') }} where value_type = '{{ value_type }}'))
{%- endmacro %}

{% macro rid_problem(rid18) -%}
    case
        when {{ rid18 }} is null then null
        when {{ is_placeholder(rid18, 'id_no') }} then 'PLACEHOLDER'
        when not {{ rid18 }} ~ '^[0-9]{17}[0-9X]$' then 'BAD_FORMAT'
        when {{ rid_check_char(rid18) }} <> substr({{ rid18 }}, 18, 1) then 'BAD_CHECK'
        when {{ rid_birth_date(rid18) }} is null then 'BAD_BIRTH_DATE'
    end
{%- endmacro %}

{#- The type a document number is read as: a household register (户口簿) shows its
    holder's resident ID number, and sources file persons' resident IDs under OTHER
    too, so a person's HHR or OTHER number that is a valid resident ID is one (and
    tells the birth date and gender). The Python twin is ecif.identifiers.effective_id_type. -#}
{% macro effective_id_type(party_type, id_type, id_no_std) -%}
    case
        when {{ party_type }} = 'P' and {{ id_type }} in ('HHR', 'OTHER')
             and {{ id_no_std }} is not null and {{ rid_problem(id_no_std) }} is null then 'RID'
        else {{ id_type }}
    end
{%- endmacro %}

{#- Birth date and gender written into a resident ID (sequence odd = male). -#}
{% macro rid_birth_date(rid18) -%}
    {{ try_to_date("substr(" ~ rid18 ~ ", 7, 8)", "%Y%m%d") }}
{%- endmacro %}

{% macro rid_gender(rid18) -%}
    case when {{ rid18 }} ~ '^[0-9]{17}' then
        case when (ascii(substr({{ rid18 }}, 17, 1)) - 48) % 2 = 1 then 'M' else 'F' end
    end
{%- endmacro %}

{#- Organization code (GB 11714): 8 characters (digits, A=10 … Z=35) weighted 3 7 9 10
    5 8 4 2; check 11 - (sum mod 11), 10 → X, 11 → 0. -#}
{% macro org_code_problem(code) -%}
    {%- set value = "(strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', $) - 1)" -%}
    case
        when {{ code }} is null then null
        when {{ is_placeholder(code, 'id_no') }} then 'PLACEHOLDER'
        when not {{ code }} ~ '^[0-9A-Z]{8}[0-9X]$' then 'BAD_FORMAT'
        when substr('0123456789X0', cast(11 - {{ _weighted_sum(code, [3, 7, 9, 10, 5, 8, 4, 2], value) }} % 11 as integer) + 1, 1)
             <> substr({{ code }}, 9, 1) then 'BAD_CHECK'
    end
{%- endmacro %}

{#- USCC (GB 32100): alphabet 0-9 A-H J-N P-R T U W-Y worth 0..30; check 31 - (sum mod 31),
    31 → 0; characters 9–17 are the organization code and must pass GB 11714 too. -#}
{% macro uscc_problem(uscc) -%}
    {%- set alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY' -%}
    {%- set value = "(strpos('" ~ alphabet ~ "', $) - 1)" -%}
    case
        when {{ uscc }} is null then null
        when {{ is_placeholder(uscc, 'id_no') }} then 'PLACEHOLDER'
        when not {{ uscc }} ~ '^[0-9A-HJ-NPQRTUW-Y]{18}$' then 'BAD_FORMAT'
        when substr('{{ alphabet }}', cast((31 - {{ _weighted_sum(uscc, [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], value) }} % 31) % 31 as integer) + 1, 1)
             <> substr({{ uscc }}, 18, 1) then 'BAD_CHECK'
        when {{ org_code_problem("substr(" ~ uscc ~ ", 9, 9)") }} is not null then 'BAD_ORG_CODE'
    end
{%- endmacro %}

{#- Any other document number (passport, HK/Macau or Taiwan permit, ...): letters and
    digits, 5 to 20 of them. -#}
{% macro document_problem(doc) -%}
    case
        when {{ doc }} is null then null
        when {{ is_placeholder(doc, 'id_no') }} then 'PLACEHOLDER'
        when not {{ doc }} ~ '^[0-9A-Z]{5,20}$' then 'BAD_FORMAT'
    end
{%- endmacro %}

{#- Normalized number of any identifier by its standard type. -#}
{% macro normalize_id(id_type, id_no) -%}
    case
        when {{ id_type }} = 'RID' then {{ normalize_rid(id_no) }}
        else {{ clean_identifier(id_no) }}
    end
{%- endmacro %}

{% macro id_problem(id_type, id_no_std) -%}
    case {{ id_type }}
        when 'RID' then {{ rid_problem(id_no_std) }}
        when 'USCC' then {{ uscc_problem(id_no_std) }}
        when 'ORG' then {{ org_code_problem(id_no_std) }}
        else {{ document_problem(id_no_std) }}
    end
{%- endmacro %}

{#- A mobile as 11 digits: full-width digits, blanks, hyphens and a +86/0086/86
    prefix removed. -#}
{% macro normalize_mobile(expr) -%}
    regexp_replace({{ digits_only(expr) }}, '^(0086|86)(1[0-9]{10})$', '\2')
{%- endmacro %}

{% macro mobile_problem(mobile) -%}
    case
        when {{ mobile }} is null then null
        when {{ is_placeholder(mobile, 'mobile') }} then 'PLACEHOLDER'
        when not {{ mobile }} ~ '^1[3-9][0-9]{9}$' then 'BAD_FORMAT'
    end
{%- endmacro %}

{#- A landline as area code + number (010-12345678): a +86/0086 prefix dropped, and
    without an area code the number is kept as digits. -#}
{% macro normalize_landline(expr) -%}
    {%- set digits = "regexp_replace(" ~ digits_only(expr) ~ ", '^(0086|86)', '')" -%}
    case
        when {{ digits }} ~ '^0(10|2[0-9])[0-9]{8}$' then substr({{ digits }}, 1, 3) || '-' || substr({{ digits }}, 4)
        when {{ digits }} ~ '^0[3-9][0-9]{2}[0-9]{7,8}$' then substr({{ digits }}, 1, 4) || '-' || substr({{ digits }}, 5)
        else {{ digits }}
    end
{%- endmacro %}

{% macro landline_problem(landline) -%}
    case
        when {{ landline }} is null then null
        when not {{ landline }} ~ '^0[0-9]{2,3}-[0-9]{7,8}$' then 'BAD_FORMAT'
    end
{%- endmacro %}

{% macro normalize_email(expr) -%}
    lower(regexp_replace({{ halfwidth(expr) }}, '\s', '', 'g'))
{%- endmacro %}

{% macro email_problem(email) -%}
    case
        when {{ email }} is null or {{ email }} = '' then null
        when not {{ email }} ~ '^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$' then 'BAD_FORMAT'
    end
{%- endmacro %}

{#- A value of one repeated character (111111111111111111, 00000000000) identifies no one. -#}
{% macro is_repeated_character(expr) -%}
    coalesce(replace({{ expr }}, substr({{ expr }}, 1, 1), '') = '', false)
{%- endmacro %}
