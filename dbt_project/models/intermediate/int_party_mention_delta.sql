{#- The mentions this build recomputes, in int_party_mention's shape (outputs.md §2
    roles): standardized names, identifiers and contacts, each with a validity flag and
    a reason, and whether the value is informative enough to link two records.
    From scratch: every mention. Incremental: the mentions of the source rows the new
    batches touched (macro touched_mention), and the unchanged mentions that share an
    ID or mobile with an old or new value of those, whose informativeness (how many
    people carry the value) may have changed with them. -#}
{%- set incremental = mentions_incremental() -%}
{{- depends_on_mention_dispositions() -}}
{%- set touched = touched_mention('mentions.') if incremental else 'true' -%}

with mentions as (
    select * from {{ ref('int_mention_union') }} as mentions
    where {{ touched }}
),

parameters as (
    select
        max(case when parameter = 'mobile_max_distinct_names' then cast(value as integer) end)
            as mobile_max_names,
        max(case when parameter = 'id_max_distinct_names' then cast(value as integer) end)
            as id_max_names
    from {{ ref('dq_rule_parameter') }}
),

standardized as (
    select
        {{ mention_id('source_system', 'source_entity', 'source_key', 'source_role') }}
            as mention_id,
        source_system,
        source_entity,
        source_key,
        source_role,
        -- a mention without a party type of its own is an organization when its
        -- identifier is an organization's, or when it carries no person document and
        -- its name is an organization's (uw has no BRN code: a BRN arrives as OTHER)
        coalesce(
            party_type,
            case
                when id_type in ('USCC', 'ORG', 'BRN') then 'O'
                when coalesce(id_type, 'OTHER') = 'OTHER' and {{ is_org_name('name') }}
                    then 'O'
                else 'P'
            end
        ) as party_type,
        name,
        id_type as filed_id_type,
        {{ normalize_id('id_type', 'id_no') }} as id_no,
        coalesce(gender, 'U') as gender,
        birth_date,
        coalesce(birth_year, cast(extract(year from birth_date) as integer)) as birth_year,
        mobile,
        {{ normalize_landline('phone') }} as phone,
        {{ normalize_email('email') }} as email,
        province,
        city,
        district,
        address,
        {{ standardize_person_name('legal_rep') }} as legal_rep,
        parent_cust_no,
        agent_code,
        _batch_id,
        _business_date,
        _file,
        _row_number
    from mentions
),

named as (
    select
        standardized.*,
        {{ effective_id_type('party_type', 'filed_id_type', 'id_no') }} as id_type,
        case
            when party_type = 'O' then {{ standardize_org_name('name') }}
            else {{ standardize_person_name('name') }}
        end as name_std
    from standardized
),

checked as (
    select
        named.*,
        case when party_type <> 'O' then {{ is_pinyin_name('named.name_std') }} else false end
            as name_is_pinyin,
        case when party_type <> 'O' then pinyin.pinyin_key end as pinyin_key,
        case when party_type <> 'O' then pinyin.pinyin_key_alt end as pinyin_key_alt,
        case when party_type = 'O' then {{ org_head_name('named.name_std') }} end as org_head_name,
        case when party_type = 'O' then {{ org_branch_marker('named.name_std') }} end
            as org_branch_marker,
        case when party_type = 'O' then {{ org_name_key('named.name_std') }} end as org_name_key,
        case
            when id_no is null then 'EMPTY'
            else {{ id_problem('id_type', 'id_no') }}
        end as id_problem,
        case when id_type = 'RID' then {{ rid_birth_date('id_no') }} end as id_birth_date,
        case when id_type = 'RID' then {{ rid_gender('id_no') }} end as id_gender,
        case when mobile is null then 'EMPTY' else {{ mobile_problem('mobile') }} end
            as mobile_problem,
        {{ landline_problem('phone') }} as phone_problem,
        {{ email_problem('email') }} as email_problem
    from named
    left join {{ ref('int_name_pinyin') }} as pinyin on pinyin.name_std = named.name_std
),

{%- if incremental %}
{%- set current = adapter.get_relation(database=target.database, schema='intermediate',
                                       identifier='int_party_mention') %}

-- the stored mentions: those recomputed here, and the rest
replaced as (
    select * from {{ current }} as mentions where {{ touched }}
),

kept as (
    select * from {{ current }} as mentions where not {{ touched }}
),

affected_ids as (
    select id_type, id_no from checked where id_problem is null
    union
    select id_type, id_no from replaced where id_valid
),

affected_mobiles as (
    select mobile from checked where mobile_problem is null
    union
    select mobile from replaced where mobile_valid
),

-- the kept mentions whose informativeness may have changed: a join each way, not an
-- `exists` under an `or`, which PostgreSQL runs as a scan of every affected value for
-- each kept mention (half an hour at 1M persons)
neighbour_ids as (
    select kept.mention_id
    from kept
    inner join affected_ids
        on affected_ids.id_type = kept.id_type and affected_ids.id_no = kept.id_no
    where kept.id_valid
    union
    select kept.mention_id
    from kept
    inner join affected_mobiles on affected_mobiles.mobile = kept.mobile
    where kept.mobile_valid
),

neighbours as (
    select kept.*
    from kept
    where kept.mention_id in (select mention_id from neighbour_ids)
),

ids_in_use as (
    select id_type, id_no, pinyin_key, name_std from checked where id_problem is null
    union all
    select kept.id_type, kept.id_no, kept.pinyin_key, kept.name_std
    from kept
    inner join affected_ids
        on affected_ids.id_type = kept.id_type and affected_ids.id_no = kept.id_no
    where kept.id_valid
),

mobiles_in_use as (
    select mobile, pinyin_key, name_std from checked where mobile_problem is null
    union all
    select kept.mobile, kept.pinyin_key, kept.name_std
    from kept
    inner join affected_mobiles on affected_mobiles.mobile = kept.mobile
    where kept.mobile_valid
),
{%- else %}

ids_in_use as (
    select id_type, id_no, pinyin_key, name_std from checked where id_problem is null
),

mobiles_in_use as (
    select mobile, pinyin_key, name_std from checked where mobile_problem is null
),
{%- endif %}

-- how many different people (told apart by pinyin key, so 张伟 and ZHANG WEI count
-- once) carry each value: an agent's own mobile is on dozens of customers
id_spread as (
    select id_type, id_no, count(distinct coalesce(pinyin_key, name_std)) as names
    from ids_in_use
    group by id_type, id_no
),

mobile_spread as (
    select mobile, count(distinct coalesce(pinyin_key, name_std)) as names
    from mobiles_in_use
    group by mobile
),

recomputed as (
    select
        mention_id, source_system, source_entity, source_key, source_role, party_type,
        name, name_std, name_is_pinyin, pinyin_key, pinyin_key_alt,
        org_head_name, org_branch_marker, org_name_key,
        id_type, id_no, id_problem, id_problem is null as id_valid, id_birth_date, id_gender,
        case
            when id_type = 'RID' and id_problem is null then
                (birth_date is null or birth_date = id_birth_date)
                and (gender = 'U' or gender = id_gender)
        end as id_consistent,
        gender, birth_date, birth_year,
        mobile, mobile_problem, mobile_problem is null as mobile_valid,
        phone, phone_problem, email, email_problem,
        province, city, district, address, legal_rep, parent_cust_no, agent_code,
        _batch_id, _business_date, _file, _row_number,
        cast(null as boolean) as kept_id_informative,
        cast(null as boolean) as kept_mobile_informative
    from checked
    {%- if incremental %}
    union all
    select
        mention_id, source_system, source_entity, source_key, source_role, party_type,
        name, name_std, name_is_pinyin, pinyin_key, pinyin_key_alt,
        org_head_name, org_branch_marker, org_name_key,
        id_type, id_no, id_problem, id_valid, id_birth_date, id_gender, id_consistent,
        gender, birth_date, birth_year,
        mobile, mobile_problem, mobile_valid,
        phone, phone_problem, email, email_problem,
        province, city, district, address, legal_rep, parent_cust_no, agent_code,
        _batch_id, _business_date, _file, _row_number,
        id_informative, mobile_informative
    from neighbours
    {%- endif %}
)

select
    mention_id, source_system, source_entity, source_key, source_role, party_type,
    name, name_std, name_is_pinyin, pinyin_key, pinyin_key_alt,
    org_head_name, org_branch_marker, org_name_key,
    recomputed.id_type, recomputed.id_no, id_problem, id_valid,
    -- a neighbour keeps its flag for the value whose spread was not recounted
    coalesce(id_valid and id_spread.names <= parameters.id_max_names, kept_id_informative)
        as id_informative,
    id_birth_date, id_gender, id_consistent,
    gender, birth_date, birth_year,
    recomputed.mobile, mobile_problem, mobile_valid,
    coalesce(mobile_valid and mobile_spread.names <= parameters.mobile_max_names,
        kept_mobile_informative) as mobile_informative,
    phone, phone_problem, email, email_problem,
    province, city, district, address, legal_rep, parent_cust_no, agent_code,
    _batch_id, _business_date, _file, _row_number
from recomputed
cross join parameters
left join id_spread
    on id_spread.id_type = recomputed.id_type and id_spread.id_no = recomputed.id_no
left join mobile_spread on mobile_spread.mobile = recomputed.mobile
