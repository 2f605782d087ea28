"""The Splink model for persons: comparisons, blocking rules, training blocks.

Names are Chinese: an exact standardized name is strongest, then the same pinyin
key (张伟 vs ZHANG WEI from telesales, or a homophone typo), then one character
edited (a 2–3 character name with one look-alike character). Telesales leads carry
only a birth year, so birth compares by date, then by year when one side has no
date. An ID number with a typo still says a lot: one or two characters apart is
its own level. A mobile shared by many people (an agent's) is kept apart from an
informative one and term-frequency adjusted, so it weighs almost nothing.
"""

from __future__ import annotations

import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from matching.comparison_levels import levels

NAME = levels("name", [
    ("exact name", "name_std_l = name_std_r"),
    ("same pinyin", "pinyin_key_l = pinyin_key_r"),
    ("one character edited", "damerau_levenshtein(name_std_l, name_std_r) <= 1"),
], null="name_std_l is null or name_std_r is null", tf={"exact name": "name_std"})

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

MOBILE = levels("mobile", [
    ("same informative mobile", "mobile_l = mobile_r and not mobile_shared_l"),
    ("same shared mobile", "mobile_l = mobile_r"),
], null="mobile_l is null or mobile_r is null", tf={"same informative mobile": "mobile"})

LANDLINE = levels("landline", [("same landline", "phone_l = phone_r")],
                   null="phone_l is null or phone_r is null")

ADDRESS = levels("address", [
    ("same address", "address_l = address_r"),
    ("same district", "district_l = district_r"),
    ("same city", "city_l = city_r"),
], null="city_l is null or city_r is null")

GENDER = cl.ExactMatch("gender")

# Pairs scored at all: each rule finds a kind of duplicate the others miss.
BLOCKING_RULES = [
    block_on("id_cmp"),
    block_on("substr(id_cmp, 1, 14)", "name_std"),   # typo in the ID's last characters
    block_on("mobile"),
    block_on("name_std", "birth_year"),
    block_on("pinyin_key", "birth_year"),
    block_on("pinyin_key", "city"),                 # leads without a birth year
    block_on("name_std", "birth_date"),
]

# Random pairs for the u estimates: enough to observe every level's u.
U_SAMPLE_PAIRS = 1e7

# EM blocks: each leaves some comparisons free to be estimated.
TRAINING_BLOCKS = [
    block_on("id_cmp"),
    block_on("name_std", "birth_date"),
    block_on("mobile"),
]


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
