{#- The pinyin reading of each person name, with which identification reads an incoming
    name as the nightly run reads the mentions' (int_name_pinyin). Built with the marts,
    (with the surname's other reading), so that the readings and the mentions the service holds come from one build. -#}

select name_std, pinyin_key, pinyin_key_alt
from {{ ref('int_name_pinyin') }}
