"""Party mentions pulled from the warehouse into the run's in-memory DuckDB, shaped for comparison.

One query per run reads `intermediate.int_party_mention` on either engine (DuckDB
through Arrow, PostgreSQL through COPY … TO STDOUT as CSV into pyarrow); the
shaping below then runs in the in-memory DuckDB that Splink also uses, so the
models and the rules see the same columns whatever the warehouse is.

Values that must never link two records are nulled here rather than in every rule:
placeholder and high-frequency IDs, invalid mobiles and landlines, unknown gender.
"""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ecif.warehouse import Connection
from matching.person_model import NAME_COLUMNS, NAME_FOR_A_TIED_MOBILE

COLUMNS = (
    "mention_id", "party_type", "name_std", "pinyin_key", "pinyin_key_alt", "org_head_name",
    "org_branch_marker", "org_name_key",
    "id_type", "id_no", "id_problem", "id_valid", "id_informative", "id_birth_date",
    "gender", "birth_date", "birth_year", "mobile", "mobile_valid", "mobile_informative",
    "phone", "phone_problem", "city", "district", "address", "legal_rep",
)

_SELECT = f"select {', '.join(COLUMNS)} from intermediate.int_party_mention"

# Every party-type-specific column the models compare, with the rule that makes it.
SHAPE = """
select
    row_number() over (order by mention_id) - 1 as uid,
    mention_id,
    party_type,
    name_std,
    pinyin_key,
    -- the surname read otherwise (曾 zeng as ceng, 程 cheng as chen: int_name_pinyin)
    pinyin_key_alt,
    -- telesales may write a name in pinyin (ZHANG XIAOMING)
    regexp_matches(name_std, '^[A-Z ]+$') as name_romanized,
    -- and may put the surname last (XIAOMING ZHANG): this key moves the last word to
    -- the front, so it can meet 张晓明's pinyin key
    case when regexp_matches(name_std, '^[A-Z]+( [A-Z]+)+$')
         then lower(regexp_replace(regexp_replace(name_std, '^(.+) ([A-Z]+)$', '\\2 \\1'),
                                   ' ', '', 'g')) end as pinyin_key_swapped,
    org_head_name,
    coalesce(org_branch_marker, '') as branch_marker,
    org_name_key,
    -- organizations: the area code of the registering authority, USCC characters 3–8 or
    -- the first 6 digits of a 15-digit registration number (uw sends that as OTHER)
    case when party_type = 'O' and id_informative and id_type = 'USCC' then substr(id_no, 3, 6)
         when party_type = 'O' and id_informative and id_type in ('BRN', 'OTHER')
              and regexp_full_match(id_no, '[0-9]{15}') then substr(id_no, 1, 6)
    end as org_reg_area,
    id_type,
    case when id_valid then id_type end as valid_id_type,
    case when id_valid then id_no end as valid_id_no,
    -- 三要素: a person's strong key is ID type, number and name (read by its pinyin, so a
    -- homophone typo still meets); two names on one valid number are left to the model
    case when id_informative then party_type || ':' || id_type || ':' || id_no
        || case when party_type = 'P' then ':' || coalesce(pinyin_key, name_std) else '' end
    end as strong_key,
    -- an invalid ID (typo, bad check digit) still compares by edit distance; a
    -- placeholder or one carried by many names says nothing
    case when id_problem in ('EMPTY', 'PLACEHOLDER') or (id_valid and not id_informative)
         then null else id_no end as id_cmp,
    -- USCC characters 9–17 are the organization code: one key for both ID types
    case when party_type = 'O' and id_informative and id_type = 'USCC' then substr(id_no, 9, 9)
         when party_type = 'O' and id_informative and id_type = 'ORG' then id_no end as org_code,
    nullif(gender, 'U') as gender,
    coalesce(birth_date, case when id_valid then id_birth_date end) as birth_date,
    coalesce(birth_year, year(coalesce(birth_date, case when id_valid then id_birth_date end)))
        as birth_year,
    case when mobile_valid then mobile end as mobile,
    coalesce(mobile_valid and not mobile_informative, false) as mobile_shared,
    -- the mobile's digits in order: two digits swapped keep it (a transposed mobile's
    -- blocking key, person_model.BLOCKING_RULES)
    case when mobile_valid then array_to_string(list_sort(string_split(mobile, '')), '')
    end as mobile_digits,
    case when phone_problem is null then phone end as phone,
    city,
    district,
    address,
    legal_rep
from raw_mentions
"""


def local_duckdb() -> duckdb.DuckDBPyConnection:
    """The run's in-memory DuckDB: rules, Splink and clustering all work in it."""
    local = duckdb.connect()
    local.execute("set enable_progress_bar = false")
    return local


def load_mentions(conn: Connection, local: duckdb.DuckDBPyConnection) -> int:
    """Table `mentions` in `local`: every mention, shaped; uid = rank of mention_id."""
    table = fetch_arrow(conn, _SELECT, COLUMNS)
    local.register("raw_mentions", table if conn.kind == "duckdb" else cast_pg_text(table))
    try:
        local.execute(f"create or replace table mentions as {SHAPE} order by uid")
    finally:
        local.unregister("raw_mentions")
    return int(local.execute("select count(*) from mentions").fetchall()[0][0])


def load_contract_links(conn: Connection, local: duckdb.DuckDBPyConnection) -> None:
    """Table `contract_links` in `local`: uids a, b of the mentions one policy, proposal
    or claim ties together under one name (`intermediate.int_contract_name_link`),
    and of the persons a tied mobile joins (_add_mobile_tie_links), with their party
    type."""
    local.register("links", fetch_arrow(
        conn, "select mention_id_a, mention_id_b from intermediate.int_contract_name_link",
        ("mention_id_a", "mention_id_b")))
    try:
        local.execute("""
            create or replace table contract_links as
            select a.uid as a, b.uid as b, a.party_type
            from links
            join mentions as a on a.mention_id = links.mention_id_a
            join mentions as b on b.mention_id = links.mention_id_b
            where a.party_type = b.party_type
            order by a, b""")
    finally:
        local.unregister("links")
    _add_mobile_tie_links(conn, local)


def _add_mobile_tie_links(conn: Connection, local: duckdb.DuckDBPyConnection) -> None:
    """A mobile another record ties to a person mention (`intermediate.int_mobile_tie`:
    a lead's contact event from another number, a claim reported from a phone by the
    claimant or the holder) links it to each person carrying that mobile, informative,
    under the same name (person_model.NAME_FOR_A_TIED_MOBILE): as strong as a contract
    link, and like one never across a conflict. Under another name it links nothing:
    a wife calling about her husband's lead is not her husband."""
    local.register("ties", fetch_arrow(
        conn, "select mention_id, mobile from intermediate.int_mobile_tie",
        ("mention_id", "mobile")))
    sides = ", ".join(f"{side}.{column} as {column}_{side}"
                      for column in NAME_COLUMNS for side in "lr")
    try:
        local.execute(f"""
            create or replace table contract_links as
            select * from contract_links
            union
            select uid_l, uid_r, 'P' from (
                select l.uid as uid_l, r.uid as uid_r, {sides}
                from ties
                join mentions as l on l.mention_id = ties.mention_id
                join mentions as r on r.mobile = ties.mobile
                where l.party_type = 'P' and r.party_type = 'P' and not r.mobile_shared
                  and l.uid <> r.uid)
            where {NAME_FOR_A_TIED_MOBILE}
            order by a, b""")
    finally:
        local.unregister("ties")


def contract_links(local: duckdb.DuckDBPyConnection, party_type: str) -> pd.DataFrame:
    """a, b: the contract links (load_contract_links) of one party type's mentions."""
    return local.execute("select a, b from contract_links where party_type = ? order by a, b",
                         [party_type]).df()


def fetch_arrow(conn: Connection, sql: str, columns: tuple[str, ...]) -> pa.Table:
    """The query's rows as Arrow; from PostgreSQL every column arrives as text."""
    if conn.kind == "duckdb":
        return conn.raw.sql(sql).to_arrow_table()
    buffer = io.BytesIO()
    with conn.raw.cursor() as cur, cur.copy(f"copy ({sql}) to stdout with (format csv, header)"
                                            ) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    options = pacsv.ConvertOptions(column_types={c: pa.string() for c in columns},
                                   strings_can_be_null=True)
    return pacsv.read_csv(buffer, convert_options=options)


def cast_pg_text(table: pa.Table) -> pa.Table:
    """COPY's CSV gives text: restore the booleans, dates and years DuckDB compares."""
    local = duckdb.connect()
    try:
        local.register("t", table)
        return local.sql("""
            select * replace (
                id_valid = 't' as id_valid, id_informative = 't' as id_informative,
                mobile_valid = 't' as mobile_valid,
                mobile_informative = 't' as mobile_informative,
                cast(id_birth_date as date) as id_birth_date,
                cast(birth_date as date) as birth_date,
                cast(birth_year as integer) as birth_year)
            from t""").to_arrow_table()
    finally:
        local.close()
