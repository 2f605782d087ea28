"""Organization suspect groups: the same-name weak rule and the registrations it keeps apart."""

from dataclasses import replace

import duckdb
import pandas as pd
import pyarrow as pa

from ecif.identifiers import org_name_key, standardize_org_name
from matching.mentions import COLUMNS, SHAPE
from matching.org_clusters import suspect_groups
from matching.thresholds import NameRule

RULE = NameRule(score=0.5, max_codes=1, contract_score=0.9)
NO_PAIRS = pd.DataFrame({"uid_l": pd.Series(dtype="int64"), "uid_r": pd.Series(dtype="int64"),
                         "match_probability": pd.Series(dtype=float)})


def orgs(*rows):
    """rows: (org_name_key, branch_marker, org_code, org_reg_area); uid = position,
    each mention its own party O1, O2, …"""
    frame = pd.DataFrame(rows, columns=["org_name_key", "branch_marker", "org_code",
                                        "org_reg_area"])
    frame.insert(0, "uid", range(len(frame)))
    party_of = pd.Series([f"O{i + 1}" for i in range(len(frame))], index=frame["uid"])
    return frame, party_of


def grouped(groups):
    return sorted(sorted(g["party_id"]) for _, g in groups.groupby("suspect_group_id"))


def test_one_name_under_other_ids_is_one_suspect_group_never_a_head_office_and_its_branch():
    frame, party_of = orgs(
        ("上海华诚科技公司", "", "MA1234567", "310115"),     # USCC
        ("上海华诚科技公司", "", None, "310115"),            # BRN of the same area
        ("上海华诚科技公司", "", None, None),                # a payer without ID
        ("上海华诚科技公司北京分公司", "北京分公司", None, None),
    )
    groups = suspect_groups(NO_PAIRS, frame, party_of, RULE)
    assert grouped(groups) == [["O1", "O2", "O3"]]
    assert groups["score"].tolist() == [0.5, 0.5, 0.5]


def test_different_registrations_of_one_name_never_share_a_group():
    # the name is unique only within its registering authority: other area, other party
    frame, party_of = orgs(
        ("华诚科技公司", "", None, "310115"),
        ("华诚科技公司", "", None, "440106"),
        ("华诚科技公司", "", None, None),
    )
    groups = suspect_groups(NO_PAIRS, frame, party_of, RULE)
    assert len(grouped(groups)) == 1 and grouped(groups)[0] in (["O1", "O3"], ["O2", "O3"])


def test_a_name_carried_by_more_organization_codes_than_the_limit_links_nothing():
    frame, party_of = orgs(
        ("华诚科技公司", "", "MA1234567", None),
        ("华诚科技公司", "", "MA7654321", None),
        ("华诚科技公司", "", None, None),
    )
    assert suspect_groups(NO_PAIRS, frame, party_of, RULE).empty
    wider = suspect_groups(NO_PAIRS, frame, party_of, replace(RULE, max_codes=2))
    assert len(grouped(wider)) == 1 and len(grouped(wider)[0]) == 2


def test_the_stronger_link_wins_where_registrations_conflict():
    # O3 has no ID: the model ties it to O2 more strongly than the name ties it to O1
    frame, party_of = orgs(
        ("华诚科技公司", "", "MA1234567", "310115"),
        ("华诚科技公司", "", "MA7654321", "310115"),
        ("华诚科技公司", "", None, None),
    )
    pairs = pd.DataFrame({"uid_l": [1], "uid_r": [2], "match_probability": [0.97]})
    groups = suspect_groups(pairs, frame, party_of, replace(RULE, max_codes=2))
    assert grouped(groups) == [["O2", "O3"]]
    assert groups["score"].tolist() == [0.97, 0.97]


def test_a_payer_named_like_the_policy_holder_is_suspected_with_it_never_merged():
    # the payer's name is too common to link by name alone (two codes carry it)
    frame, party_of = orgs(
        ("华诚科技公司", "", "MA1234567", "310115"),
        ("华诚科技公司", "", "MA7654321", "440106"),
        ("华诚科技公司", "", None, None),
    )
    contract = pd.DataFrame({"a": [0], "b": [2]})
    assert suspect_groups(NO_PAIRS, frame, party_of, RULE).empty
    groups = suspect_groups(NO_PAIRS, frame, party_of, RULE, contract)
    assert grouped(groups) == [["O1", "O3"]]
    assert groups["score"].tolist() == [0.9, 0.9]


def test_names_one_character_apart_are_not_suspects_by_name():
    # a typo is left to the model: on its own, one character says too little
    frame, party_of = orgs(("上海国龙建材公司", "", "MA1234567", "310115"),
                           ("上亥国龙建材公司", "", None, None))
    assert suspect_groups(NO_PAIRS, frame, party_of, RULE).empty


def test_names_read_alike_across_brackets_and_legal_forms_and_areas_come_from_the_ids():
    rows = [
        ("a", "华诚（上海）科技股份有限公司", "USCC", "91310115MA1234567X"),
        ("b", "华诚上海科技有限公司", "BRN", "310115123456789"),
        ("c", "华诚(上海)科技有限公司北京分公司", "OTHER", "310115123456789"),
        ("d", "华诚上海科技有限公司", "ORG", "MA1234567"),
    ]
    values = {c: [None] * len(rows) for c in COLUMNS}
    names = [standardize_org_name(r[1]) for r in rows]
    values.update(mention_id=[r[0] for r in rows], party_type=["O"] * len(rows),
                  name_std=names, org_name_key=[org_name_key(n) for n in names],
                  org_branch_marker=[None, None, "北京分公司", None],
                  id_type=[r[2] for r in rows], id_no=[r[3] for r in rows],
                  id_valid=[True] * len(rows), id_informative=[True] * len(rows),
                  mobile_valid=[False] * len(rows), mobile_informative=[False] * len(rows))
    local = duckdb.connect()
    types = {"birth_date": pa.date32(), "id_birth_date": pa.date32(), "birth_year": pa.int32()}
    types.update({c: pa.bool_() for c in ("id_valid", "id_informative", "mobile_valid",
                                          "mobile_informative")})
    local.register("raw_mentions", pa.table({c: pa.array(values[c], types.get(c, pa.string()))
                                             for c in COLUMNS}))
    shaped = local.sql(f"select mention_id, org_name_key, org_reg_area from ({SHAPE}) "
                       "order by mention_id").fetchall()
    assert shaped == [("a", "华诚上海科技公司", "310115"),
                      ("b", "华诚上海科技公司", "310115"),
                      ("c", "华诚上海科技公司北京分公司", "310115"),
                      ("d", "华诚上海科技公司", None)]
