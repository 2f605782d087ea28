{#- A pinyin key for every distinct person name, so a telesales `ZHANG WEI` can meet
    张伟: Chinese characters read through the pinyin_char seed (the first character
    by its surname reading where it has one), Latin names lower-cased (Ü as v, as
    pinyin keyboards write it), blanks and dots dropped. Characters without a reading
    are kept as they are.
    pinyin_key_alt: the same key with the surname read otherwise, where a writer may
    read it so: a surname with its own reading by its common one (曾 zeng as ceng, 单
    shan as dan: the lead who typed CENG LI meant 曾丽), any other by a final that
    sounds alike (pinyin_sound_alike: 程 cheng as chen). Matching counts it as the
    same name only beside a shared informative mobile (matching.person_model). -#}

with names as (
    select distinct {{ standardize_person_name('name') }} as name_std
    from {{ ref('int_mention_union') }}
    where name is not null
),

characters as (
    select
        name_std,
        {{ character_positions('name_std') }} as position
    from names
    where {{ has_cjk('name_std') }}
),

readings as (
    select
        characters.name_std,
        characters.position,
        coalesce(
            case when characters.position = 1 then surname.pinyin end,
            hanzi.pinyin,
            case when substr(characters.name_std, characters.position, 1) <> '·'
                then lower(substr(characters.name_std, characters.position, 1)) end,
            ''
        ) as pinyin,
        case when characters.position = 1 then hanzi.pinyin end as common_reading,
        case when characters.position = 1 then surname.pinyin end as surname_reading
    from characters
    left join {{ ref('pinyin_char') }} as hanzi
        on hanzi.hanzi = substr(characters.name_std, characters.position, 1)
    left join {{ ref('pinyin_surname') }} as surname
        on surname.hanzi = substr(characters.name_std, characters.position, 1)
),

surname as (
    select
        readings.name_std,
        readings.pinyin,
        coalesce(
            case when readings.surname_reading <> readings.common_reading
                then readings.common_reading end,
            substr(readings.pinyin, 1, length(readings.pinyin) - length(alike.final))
                || alike.sounds_like
        ) as alternate
    from readings
    -- the finals are disjoint suffixes: one match at most
    left join {{ ref('pinyin_sound_alike') }} as alike
        on substr(readings.pinyin, length(readings.pinyin) - length(alike.final) + 1)
            = alike.final
    where readings.position = 1
),

chinese as (
    select name_std, {{ string_agg_ordered('pinyin', 'position') }} as pinyin_key
    from readings
    group by name_std
),

latin as (
    select name_std,
           lower(regexp_replace(replace(name_std, 'Ü', 'V'), '[^A-Za-z]', '', 'g'))
               as pinyin_key
    from names
    where not {{ has_cjk('name_std') }}
)

select
    chinese.name_std,
    chinese.pinyin_key,
    surname.alternate || substr(chinese.pinyin_key, length(surname.pinyin) + 1)
        as pinyin_key_alt
from chinese
left join surname on surname.name_std = chinese.name_std
union all
select name_std, pinyin_key, cast(null as {{ dbt.type_string() }}) from latin
