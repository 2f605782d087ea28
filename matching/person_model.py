"""The Splink model for persons: comparisons, blocking rules, training blocks.

Names are Chinese: an exact standardized name is strongest, then a romanization
with the same pinyin key (张伟 vs ZHANG WEI or WEI ZHANG from telesales), then names
read alike (a homophone typo, or two people: 张伟 and 章伟), then one character
edited (a 2–3 character name with one look-alike character). Telesales leads carry
only a birth year, so birth compares by date, then by year when one side has no
date. An ID number with a typo still says a lot: one or two characters apart is
its own level. A mobile shared by many people (an agent's) is kept apart from an
informative one and term-frequency adjusted, so it weighs almost nothing.
"""

from __future__ import annotations

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from matching.comparison_levels import levels

# A surname read otherwise (pinyin_key_alt: 曾 zeng written CENG, 程 cheng for 陈 chen)
# is the same name only beside a shared informative mobile: 25 pairs on the
# independent set shared a mobile and differed only so, while 陈莉 and 程莉 without
# one may be two people. One condition for the name levels and CORROBORATED.
SAME_MOBILE = "mobile_l = mobile_r and not mobile_shared_l"
SAME_PINYIN = ("(pinyin_key_l = pinyin_key_r or pinyin_key_l = pinyin_key_swapped_r "
               "or pinyin_key_swapped_l = pinyin_key_r)")
READ_OTHERWISE = ("(pinyin_key_alt_l = pinyin_key_r or pinyin_key_l = pinyin_key_alt_r "
                  "or pinyin_key_alt_l = pinyin_key_swapped_r "
                  "or pinyin_key_swapped_l = pinyin_key_alt_r)")
READ_ALIKE = f"({SAME_MOBILE} and {READ_OTHERWISE})"
# The name a mobile someone else ties to a mention needs (matching.mobile_ties): read
# alike, in either script, or with the surname read otherwise.
NAME_FOR_A_TIED_MOBILE = f"({SAME_PINYIN} or {READ_OTHERWISE})"
NAME_COLUMNS = ("name_std", "name_romanized", "pinyin_key", "pinyin_key_swapped",
                "pinyin_key_alt")

NAME = levels("name", [
    ("exact name", "name_std_l = name_std_r"),
    # read alike beside one mobile weighs as the same name romanized: 陈莉 and 程莉
    # would score as mere homophones, below the merge weight even with the mobile
    ("romanized, same pinyin",
     f"((name_romanized_l or name_romanized_r) and {SAME_PINYIN}) or {READ_ALIKE}"),
    ("same pinyin", "pinyin_key_l = pinyin_key_r"),
    ("one character edited", "damerau_levenshtein(name_std_l, name_std_r) <= 1"),
], null="name_std_l is null or name_std_r is null")

BIRTH = levels("birth", [
    ("same date", "birth_date_l = birth_date_r"),
    ("same year, a date missing",
     "(birth_date_l is null or birth_date_r is null) and birth_year_l = birth_year_r"),
    ("date one character apart",
     "damerau_levenshtein(strftime(birth_date_l, '%Y%m%d'), "
     "strftime(birth_date_r, '%Y%m%d')) <= 1"),
], null="birth_year_l is null or birth_year_r is null")

ID_NUMBER = levels("id_number", [
    ("same number", "id_cmp_l = id_cmp_r"),
    ("one character apart", "damerau_levenshtein(id_cmp_l, id_cmp_r) <= 1"),
    ("two characters apart", "damerau_levenshtein(id_cmp_l, id_cmp_r) <= 2"),
], null="id_cmp_l is null or id_cmp_r is null or id_type_l <> id_type_r")

# Two digits swapped (a typo): the same digits and one edit apart. Strong evidence, yet
# not the same number, so it never corroborates a merge: the pair is a suspect. Its m
# and u were set, not trained (`ecif train-model` estimates them): m 0.01, the
# share of true pairs whose mobiles the sources' typing swaps (0.7 % per record on
# the independent set, either side), taken from the `all other` level; u as the same
# informative mobile's, so a swap weighs about 6 bits less than an equal number.
MOBILE = levels("mobile", [
    ("same informative mobile", SAME_MOBILE),
    ("same shared mobile", "mobile_l = mobile_r"),
    ("informative mobiles one transposition apart",
     "not mobile_shared_l and not mobile_shared_r and mobile_digits_l = mobile_digits_r "
     "and damerau_levenshtein(mobile_l, mobile_r) = 1"),
], null="mobile_l is null or mobile_r is null", tf={"same informative mobile": "mobile"})

LANDLINE = levels("landline", [("same landline", "phone_l = phone_r")],
                   null="phone_l is null or phone_r is null")

ADDRESS = levels("address", [
    ("same address", "address_l = address_r"),
    ("same district", "district_l = district_r"),
    ("same city", "city_l = city_r"),
], null="city_l is null or city_r is null")

GENDER = cl.ExactMatch("gender")

# A score alone never merges: two people with one common name and one birthday score
# high on name, birth date and gender, and twins add an address. A pair merges only
# when something that identifies one person (not a household: an address or a
# landline does not) agrees as well (matching.person_clusters); otherwise it is a
# suspect for a steward. A mobile identifies one person only under one surname: a
# couple's shared mobile joined 王伟 and 陈伟, so a mobile corroborates names that
# read alike (张伟, 章伟, ZHANG WEI) or begin with one character, never two
# surnames without an agreeing ID.
# A CASE, not ORs: DuckDB then computes the edit distance only for the few pairs that
# need it (ten times faster on a night's pairs).
CORROBORATED = f"""case
    when id_cmp_l = id_cmp_r then true
    when mobile_l = mobile_r and not mobile_shared_l
         and ({SAME_PINYIN} or {READ_OTHERWISE}
              or (not name_romanized_l and not name_romanized_r
                  and substr(name_std_l, 1, 1) = substr(name_std_r, 1, 1))) then true
    when id_type_l = id_type_r and damerau_levenshtein(id_cmp_l, id_cmp_r) <= 1 then true
    else false end"""
CORROBORATING_COLUMNS = ("id_type", "id_cmp", "mobile", "mobile_shared", *NAME_COLUMNS)

# Pairs scored at all: each rule finds a kind of duplicate the others miss.
BLOCKING_RULES = [
    block_on("id_cmp"),
    block_on("substr(id_cmp, 1, 14)", "name_std"),   # typo in the ID's last characters
    block_on("mobile"),
    block_on("name_std", "birth_year"),
    block_on("pinyin_key", "birth_year"),
    block_on("pinyin_key", "city"),                 # leads without a birth year
    block_on("name_std", "birth_date"),
    # a transposed mobile: the same digits, and the first five (a swap after them) or
    # the last five (a swap before them) unchanged
    block_on("mobile_digits", "substr(mobile, 1, 5)"),
    block_on("mobile_digits", "substr(mobile, 7, 5)"),
]

# Random pairs for the u estimates: enough to observe every level's u.
U_SAMPLE_PAIRS = 1e7

# EM blocks: each leaves some comparisons free to be estimated.
TRAINING_BLOCKS = [
    block_on("id_cmp"),
    block_on("name_std", "birth_date"),
    block_on("mobile"),
]


# Names per mobile: the count a mobile's term frequency scales (register_term_frequencies).
MOBILE_NAMES = """
    select mobile, count(distinct coalesce(pinyin_key, name_std)) as names
    from mentions
    where party_type = 'P' and mobile is not null
    group by mobile"""


def register_term_frequencies(linker: Linker, db_api: DuckDBAPI,
                              local: duckdb.DuckDBPyConnection) -> None:
    """A mobile's term frequency: the trained chance that two different people share
    an informative mobile (the level's u) times the number of names using it. A
    personal mobile then scores as trained, a couple's one bit lower, an agent's used
    by dozens of names almost nothing. Splink's own frequencies count mentions, so one
    customer filed in four systems looks like four people sharing a number, and they
    grow as the data shrinks (one mention in 5,000 is far more than one in 500,000),
    marking down every mobile of a small night against a u trained on a large one."""
    model = linker.misc.save_model_to_json()
    u = next(level["u_probability"] for comparison in model["comparisons"]
             for level in comparison["comparison_levels"]
             if level.get("tf_adjustment_column") == "mobile")
    local.execute("create or replace table person_mobile_tf as "
                  f"select mobile, ? * names as tf_mobile from ({MOBILE_NAMES})", [u])
    linker.table_management.register_term_frequency_lookup(
        db_api.register("person_mobile_tf"), "mobile")


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=[NAME, BIRTH, ID_NUMBER, MOBILE, LANDLINE, ADDRESS, GENDER],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        max_iterations=10,
    )
