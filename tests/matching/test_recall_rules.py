"""Recall's last mile (issue 16 §3) on hand-made mentions, on each engine: a surname
read otherwise beside a shared mobile merges, a transposed mobile only queues, and
neither ever joins a conflict.

The alternate keys (pinyin_key_alt) are given by hand as int_name_pinyin computes
them (its dbt unit test holds the rule): 曾丽 → cengli, 程莉 → chenli.
"""

from datetime import date

import pytest

from tests.matching.conftest import mention, rid
from tests.matching.test_person_rules import suspected, together

BIRTH = date(1979, 6, 2)
CUSTOMER, LEAD = "core|customer|C1|customer", "telesales|lead|L1|lead"
MOBILE, SWAPPED = "13912345678", "13912346578"


def zeng_li(**values) -> dict:
    """曾丽 in core with her resident ID."""
    return mention(CUSTOMER, "曾丽", "zengli", pinyin_key_alt="cengli", birth=BIRTH,
                   gender="F", id_no=rid("440103", BIRTH, "028"), **values)


# --- a surname's other reading

@pytest.mark.parametrize("lead_name, key", [("CENG LI", "cengli"), ("LI CENG", "liceng")])
def test_a_lead_writing_the_surname_by_its_common_reading_joins_by_its_mobile(
        match, lead_name, key):
    assigned = match([zeng_li(mobile=MOBILE),
                      mention(LEAD, lead_name, key, gender="F", birth_year=1979,
                              mobile=MOBILE)])
    assert together(assigned, CUSTOMER, LEAD)


def test_surnames_whose_nasals_sound_alike_join_by_one_mobile(match):
    # 陈莉 typed as 程莉 by a telesales seat, the same mobile
    claimant = "claims|claim|K1|claimant"
    assigned = match([
        mention(CUSTOMER, "陈莉", "chenli", birth=BIRTH, gender="F",
                id_no=rid("440103", BIRTH, "028"), mobile=MOBILE),
        mention(claimant, "程莉", "chengli", pinyin_key_alt="chenli", gender="F",
                mobile=MOBILE),
    ])
    assert together(assigned, CUSTOMER, claimant)


def test_a_surname_read_otherwise_without_a_shared_mobile_is_not_a_merge(match):
    assigned = match([zeng_li(mobile=MOBILE),
                      mention(LEAD, "CENG LI", "cengli", gender="F", birth_year=1979,
                              mobile="15800001111")])
    assert not together(assigned, CUSTOMER, LEAD)


@pytest.mark.parametrize("conflict", [
    {"birth": date(1952, 3, 1), "id_no": rid("440103", date(1952, 3, 1), "026")},
    {"birth_year": 2001},
])
def test_a_surname_read_otherwise_never_joins_a_conflict(match, conflict):
    # a mother and daughter of one name read two ways on the family's mobile
    other = "uw|uw_case|U1|applicant"
    outcome = match([zeng_li(mobile=MOBILE),
                     mention(other, "CENG LI", "cengli", gender="F", mobile=MOBILE,
                             **conflict)])
    assert not together(outcome, CUSTOMER, other)
    assert not suspected(outcome, CUSTOMER, other)


# --- a transposed mobile

def test_a_transposed_mobile_with_one_name_and_birth_date_is_queued_not_merged(match):
    outcome = match([zeng_li(mobile=MOBILE),
                     mention(LEAD, "ZENG LI", "zengli", gender="F", birth_year=1979,
                             mobile=SWAPPED)])
    assert not together(outcome, CUSTOMER, LEAD)
    assert suspected(outcome, CUSTOMER, LEAD)


def test_a_transposed_mobile_with_the_same_id_number_merges(match):
    # corroborated by the ID: the swap is a typo, not a doubt
    applicant = "uw|uw_case|U1|applicant"
    assigned = match([zeng_li(mobile=MOBILE),
                      mention(applicant, "曾丽", "zengli", birth=BIRTH, gender="F",
                              id_no=rid("440103", BIRTH, "028"), mobile=SWAPPED)])
    assert together(assigned, CUSTOMER, applicant)


@pytest.mark.parametrize("other", [
    {"name": "李娜", "pinyin": "lina", "birth_year": 1979},       # another name
    {"name": "曾丽", "pinyin": "zengli", "birth_year": 1950},     # born decades apart
])
def test_a_transposed_mobile_alone_never_merges_nor_queues_two_people(match, other):
    outcome = match([zeng_li(mobile=MOBILE),
                     mention(LEAD, other["name"], other["pinyin"], gender="F",
                             birth_year=other["birth_year"], mobile=SWAPPED)])
    assert not together(outcome, CUSTOMER, LEAD)
    assert not suspected(outcome, CUSTOMER, LEAD)


# --- a mobile another record ties to a mention (int_mobile_tie)

NEW_MOBILE = "18655554444"


def lead(name: str = "CENG LI", key: str = "cengli", **values) -> dict:
    """A lead with a number no other record carries."""
    return mention(LEAD, name, key, gender="F", mobile="15011112222", **values)


def test_a_holder_reporting_from_the_leads_number_joins_the_lead_of_her_name(match):
    # 曾丽 reported a claim from the number her lead carries: the claim ties it to her
    lead_mobile = "15011112222"
    assigned = match([zeng_li(mobile=NEW_MOBILE), lead()],
                     ties=((CUSTOMER, lead_mobile),))
    assert together(assigned, CUSTOMER, LEAD)


def test_a_contact_event_from_the_holders_number_joins_the_lead_of_her_name(match):
    assigned = match([zeng_li(mobile=NEW_MOBILE), lead("ZENG LI", "zengli")],
                     ties=((LEAD, NEW_MOBILE),))
    assert together(assigned, CUSTOMER, LEAD)


def test_a_tied_mobile_under_another_name_is_not_a_merge(match):
    # her husband called about his own lead from her phone
    assigned = match([zeng_li(mobile=NEW_MOBILE),
                      mention(LEAD, "WANG QIANG", "wangqiang", gender="M",
                              mobile="15011112222")],
                     ties=((LEAD, NEW_MOBILE),))
    assert not together(assigned, CUSTOMER, LEAD)


def test_a_tied_mobile_never_joins_a_conflict(match):
    # the daughter of the same name, born decades later, with the mother's old phone
    outcome = match([zeng_li(mobile=NEW_MOBILE), lead(birth_year=2003)],
                    ties=((LEAD, NEW_MOBILE),))
    assert not together(outcome, CUSTOMER, LEAD)
    assert not suspected(outcome, CUSTOMER, LEAD)
