{#- Text cleansing shared by every staging model. -#}

{#- Full-width ASCII (U+FF01..U+FF5E) and the ideographic space to their half-width
    forms: sources mix `１３８` with `138` and `（` with `(`. -#}
{% macro halfwidth(expr) -%}
    {#- translate() with a 95-character map is costly; most values have no full-width
        character at all, and the regular expression finds that cheaply -#}
    case when {{ expr }} ~ '[！-～　]' then translate({{ expr }}, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　', '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ') else {{ expr }} end
{%- endmacro %}

{#- Trimmed, half-width, empty → null: the form every text column is compared in. -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ halfwidth(expr) }}), '')
{%- endmacro %}

{#- Digits only, for phone numbers and other numeric identifiers. -#}
{% macro digits_only(expr) -%}
    nullif(regexp_replace({{ halfwidth(expr) }}, '[^0-9]', '', 'g'), '')
{%- endmacro %}

{#- Identifier text: half-width, no blanks or hyphens, upper case (a lower-case x
    in a resident ID is the same as X). -#}
{% macro clean_identifier(expr) -%}
    nullif(upper(regexp_replace({{ halfwidth(expr) }}, '[\s\-]', '', 'g')), '')
{%- endmacro %}

