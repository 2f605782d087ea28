"""The Splink model for organizations: it only proposes suspects, never merges.

The head name (name without the branch suffix) carries most of the signal; a
branch marker that differs separates a head office from its branch and is kept as
its own comparison so the model learns how strongly it speaks against a match.
"""

from __future__ import annotations

from splink import SettingsCreator, block_on

from matching.comparison_levels import levels

NAME = levels("name", [
    ("exact name", "name_std_l = name_std_r"),
    ("same head name", "org_head_name_l = org_head_name_r"),
    ("similar head name", "jaro_winkler_similarity(org_head_name_l, org_head_name_r) >= 0.9"),
], null="name_std_l is null or name_std_r is null")

BRANCH = {
    "output_column_name": "branch",
    "comparison_levels": [
        {"sql_condition": "branch_marker_l = branch_marker_r", "label_for_charts": "same"},
        {"sql_condition": "ELSE", "label_for_charts": "different"},
    ],
}

# A business-registration number (BRN) and a USCC cannot be compared: that pair
# says nothing, it is not a disagreement.
ORG_CODE = levels("org_code", [
    ("same code", "org_code_l = org_code_r"),
    ("ID one character apart", "damerau_levenshtein(id_cmp_l, id_cmp_r) <= 1"),
], null="(org_code_l is null or org_code_r is null) and "
        "(id_cmp_l is null or id_cmp_r is null or id_type_l <> id_type_r)")

LEGAL_REP = levels("legal_rep", [("same legal representative", "legal_rep_l = legal_rep_r")],
                    null="legal_rep_l is null or legal_rep_r is null")
PHONE = levels("phone", [("same landline", "phone_l = phone_r")],
                null="phone_l is null or phone_r is null")
MOBILE = levels("mobile", [("same mobile", "mobile_l = mobile_r")],
                 null="mobile_l is null or mobile_r is null")
ADDRESS = levels("address", [
    ("same address", "address_l = address_r"),
    ("same city", "city_l = city_r"),
], null="city_l is null or city_r is null")

BLOCKING_RULES = [
    block_on("org_head_name"),
    block_on("id_cmp"),
    block_on("legal_rep"),
    block_on("phone"),
    block_on("mobile"),
    block_on("substr(name_std, 1, 4)"),
]

# Rare levels (same landline) are seldom met in random pairs: sampling more finds
# them no better and only costs time.
U_SAMPLE_PAIRS = 1e6

# Only core carries landlines, legal representatives and addresses, once per
# organization: those levels keep their priors; names, codes and mobiles train.
TRAINING_BLOCKS = [
    block_on("org_head_name"),
    block_on("id_cmp"),
    block_on("mobile"),
]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=[NAME, BRANCH, ORG_CODE, LEGAL_REP, PHONE, MOBILE, ADDRESS],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        max_iterations=10,
    )
