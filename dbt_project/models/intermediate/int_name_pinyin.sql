{#- A pinyin key for every distinct person name, so a telesales `ZHANG WEI` can meet
    张伟: Chinese characters read through the pinyin_char seed (the first character
    by its surname reading where it has one), Latin names lower-cased, blanks and
    dots dropped. Characters without a reading are kept as they are. -#}

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
        ) as pinyin
    from characters
    left join {{ ref('pinyin_char') }} as hanzi
        on hanzi.hanzi = substr(characters.name_std, characters.position, 1)
    left join {{ ref('pinyin_surname') }} as surname
        on surname.hanzi = substr(characters.name_std, characters.position, 1)
),

chinese as (
    select name_std, {{ string_agg_ordered('pinyin', 'position') }} as pinyin_key
    from readings
    group by name_std
),

latin as (
    select name_std, lower(regexp_replace(name_std, '[^A-Za-z]', '', 'g')) as pinyin_key
    from names
    where not {{ has_cjk('name_std') }}
)

select name_std, pinyin_key from chinese
union all
select name_std, pinyin_key from latin
