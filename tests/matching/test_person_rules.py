"""Person merge rules on hand-made mentions: what merges, and what only becomes a suspect.

Each case is a handful of mentions written straight into the warehouse's
`intermediate.int_party_mention` (and `int_contract_name_link`), then one matching run
with the saved model and thresholds, on each engine.
"""

from datetime import date

import pytest

from tests.matching.conftest import Outcome, mention, rid


def together(assigned: dict[str, str], *mention_ids: str) -> bool:
    return len({assigned[m] for m in mention_ids}) == 1


def suspected(outcome: Outcome, a: str, b: str) -> bool:
    """The two mentions' parties are a suspect pair (so not one party)."""
    return frozenset((outcome[a], outcome[b])) in outcome.suspects


BIRTH = date(1985, 3, 14)


def test_a_romanized_lead_with_the_surname_last_joins_by_its_mobile(match):
    assigned = match([
        mention("core|customer|C1|customer", "张晓明", "zhangxiaoming", birth=BIRTH,
                gender="M", id_no=rid("110101", BIRTH, "031"), mobile="13800138000"),
        mention("telesales|lead|L1|lead", "XIAOMING ZHANG", "xiaomingzhang", gender="M",
                mobile="13800138000"),
    ])
    assert together(assigned, "core|customer|C1|customer", "telesales|lead|L1|lead")


def test_two_names_on_one_valid_id_number_are_not_merged_by_the_strong_rule(match):
    # one of them mistyped the number: the model may suspect, never the ID alone
    number = rid("450103", BIRTH, "035")
    assigned = match([
        mention("core|customer|C1|customer", "杨博睿", "yangborui", birth=BIRTH, id_no=number,
                mobile="13616676902"),
        mention("core|customer|C2|customer", "马睿", "marui", birth=BIRTH, id_no=number,
                mobile="15172741830"),
    ])
    assert not together(assigned, "core|customer|C1|customer", "core|customer|C2|customer")


def test_one_common_name_and_one_birthday_without_an_identifier_is_not_a_merge(match):
    # two people named 王婷 born the same day, one with a resident ID, one with a permit
    assigned = match([
        mention("core|customer|C1|customer", "王婷", "wangting", birth=BIRTH, gender="F",
                id_no=rid("350206", BIRTH, "004"), mobile="13493380053"),
        mention("uw|uw_case|U1|insured", "王婷", "wangting", birth=BIRTH, gender="F",
                id_no=rid("350206", BIRTH, "004")),
        mention("core|customer|C2|customer", "王婷", "wangting", birth=BIRTH, gender="F",
                id_type="HKMO", id_no="H31010707", mobile="19060726705"),
    ])
    assert together(assigned, "core|customer|C1|customer", "uw|uw_case|U1|insured")
    assert not together(assigned, "core|customer|C1|customer", "core|customer|C2|customer")


def test_twins_sharing_an_address_and_a_name_read_alike_stay_apart(match):
    home = {"city": "北京市", "district": "朝阳区", "address": "朝阳路1号2栋301室"}
    assigned = match([
        mention("core|customer|C1|customer", "王桂英", "wangguiying", birth=BIRTH, gender="F",
                id_type="PASSPORT", id_no="M65477944", mobile="19059993244", **home),
        mention("core|customer|C2|customer", "王桂颖", "wangguiying", birth=BIRTH, gender="F",
                id_no=rid("110105", BIRTH, "142"), mobile="13762827461", **home),
    ])
    assert not together(assigned, "core|customer|C1|customer", "core|customer|C2|customer")


def test_a_payer_without_id_joins_the_holder_named_alike_on_its_policy(match):
    holder, payer = "core|customer|C1|customer", "finance|receipt|R1|payer"
    rows = [mention(holder, "周东杰", "zhoudongjie", birth=BIRTH,
                    id_no=rid("320102", BIRTH, "017")),
            mention(payer, "周东杰", "zhoudongjie")]
    assert not together(match(rows), holder, payer)
    assert together(match(rows, links=((holder, payer),)), holder, payer)


# No rule overrides a conflict: two known genders or birth dates years apart
# (reference_data/match_thresholds.csv) keep mentions apart whatever links them.

APPLICANT, INSURED = "uw|uw_case|U1|applicant", "uw|uw_case|U1|insured"


@pytest.mark.parametrize("conflict", [
    {"birth": date(1987, 9, 12)},   # a father insuring his son of the same name
    {"gender": "F"},                # a brother and sister of one name and birthday
])
def test_a_contract_link_never_joins_a_conflict(match, conflict):
    father = date(1960, 5, 1)
    outcome = match([
        mention(APPLICANT, "王伟", "wangwei", birth=father, gender="M",
                id_no=rid("110101", father, "013")),
        mention(INSURED, "王伟", "wangwei", **({"birth": father, "gender": "M"} | conflict)),
    ], links=((APPLICANT, INSURED),))
    assert not together(outcome, APPLICANT, INSURED)


@pytest.mark.parametrize("conflict", [{"gender": "F"}, {"birth": date(1962, 1, 20)}])
def test_the_strong_key_never_joins_a_conflict(match, conflict):
    # a relative filed under the customer's own passport number and name
    one, other = "core|customer|C1|customer", "uw|uw_case|U1|insured"
    outcome = match([
        mention(one, "刘洋", "liuyang", birth=BIRTH, gender="M", id_type="PASSPORT",
                id_no="E12345678", mobile="13911112222"),
        mention(other, "刘洋", "liuyang", **({"birth": BIRTH, "gender": "M"} | conflict),
                id_type="PASSPORT", id_no="E12345678"),
    ])
    assert not together(outcome, one, other)


# father and son of one name at one address sharing the family's mobile: their birth
# dates one character apart read to the model like a typo
FATHER, SON = "core|customer|C1|customer", "claims|claim|K1|claimant"
HOME = {"city": "北京市", "district": "朝阳区", "address": "朝阳路1号2栋301室"}
FATHER_AND_SON = [
    mention(FATHER, "王伟", "wangwei", birth=date(1967, 9, 12), gender="M",
            mobile="13922223333", **HOME),
    mention(SON, "王伟", "wangwei", birth=date(1987, 9, 12), gender="M",
            mobile="13922223333", **HOME),
]


def test_a_corroborated_score_never_joins_birth_dates_years_apart(match):
    assert not together(match(FATHER_AND_SON), FATHER, SON)


def test_birth_dates_years_apart_are_never_queued_for_a_steward(match):
    # the model scores them far above the suspect weight; the strong rules know better
    assert not suspected(match(FATHER_AND_SON), FATHER, SON)


def test_a_shared_mobile_never_joins_two_surnames_without_an_agreeing_id(match):
    # a couple's one mobile: 王伟 filed with a placeholder ID, 陈伟 with a valid one
    husband, wife = "uw|uw_case|U1|applicant", "core|customer|C1|customer"
    home = {"city": "上海市", "district": "浦东新区", "address": "世纪大道100号1201室"}
    outcome = match([
        mention(husband, "王伟", "wangwei", mobile="13733334444", id_type="RID",
                id_no="111111111111111111", id_problem="PLACEHOLDER", id_valid=False,
                id_informative=False, **home),
        mention(wife, "陈伟", "chenwei", birth=BIRTH, id_no=rid("310115", BIRTH, "024"),
                mobile="13733334444", **home),
    ])
    assert not together(outcome, husband, wife)
    assert suspected(outcome, husband, wife)


def test_a_chain_of_links_never_joins_two_mentions_in_conflict(match):
    # applicant and insured linked by their case; the insured's mobile is also a
    # namesake's born decades later: he may join one of them, never both
    namesake = "claims|claim|K1|claimant"
    father, son = date(1960, 5, 1), date(1987, 9, 12)
    outcome = match([
        mention(APPLICANT, "王伟", "wangwei", birth=father, gender="M",
                id_no=rid("110101", father, "013")),
        mention(INSURED, "王伟", "wangwei", gender="M", mobile="13855556666"),
        mention(namesake, "王伟", "wangwei", birth=son, gender="M", mobile="13855556666"),
    ], links=((APPLICANT, INSURED),))
    assert together(outcome, APPLICANT, INSURED)
    assert not together(outcome, APPLICANT, namesake)
