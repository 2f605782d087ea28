{#- The pinyin reading of each person name, with which identification reads an incoming
    name as the nightly run reads the mentions' (int_name_pinyin). Built with the marts,
    so that the readings and the mentions the service holds come from one build. -#}

select name_std, pinyin_key
from {{ ref('int_name_pinyin') }}
