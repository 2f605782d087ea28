"""reference_data/seeds/role_permission.csv: one loader, one meaning, one table in the README."""

from pathlib import Path

import pytest

from ecif import masking
from ecif.masking import AccessDenied, check_unmasked, permission_table, shown

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = {"party_id": "P0000000001", "name": "张伟", "birth_date": "1949-12-31",
       "mobile": "13911110001", "id_no": "11010519491231002X", "policy_no": "PA1",
       "vehicle_plate": "京A12345", "value_class": "A", "new_column": "x"}


def test_the_readme_shows_the_seed_as_it_is():
    assert permission_table() in README.read_text(encoding="utf-8")


def test_each_role_sees_its_fields_and_unlisted_fields_stay_hidden():
    assert shown(ROW, "analyst") == {"party_id": "P0000000001", "mobile": "139****0001",
                                     "id_no": "110105********002X", "value_class": "A"}
    assert shown(ROW, "marketing")["name"] == "张*"
    assert shown(ROW, "steward") == ROW
    # the command line's default masks contact details and ID numbers, not the name
    assert shown(ROW, "steward", unmasked=False)["mobile"] == "139****0001"
    assert shown(ROW, "steward", unmasked=False)["name"] == "张伟"
    assert shown(ROW, "nobody") == {}


def test_check_unmasked_reads_the_same_table():
    check_unmasked("telesales")
    for role in ("analyst", "marketing", None):
        with pytest.raises(AccessDenied, match="--unmasked needs a login whose role"):
            check_unmasked(role)


def test_a_mask_is_refused_for_a_field_that_has_none(monkeypatch):
    monkeypatch.setattr(masking, "read_seed", lambda name: [
        {"role": "analyst", "field": "policy_no", "access": "masked", "why": "x"}])
    masking.permissions.cache_clear()
    try:
        with pytest.raises(ValueError, match="line 2: policy_no cannot be 'masked'"):
            masking.permissions()
    finally:
        monkeypatch.undo()
        masking.permissions.cache_clear()
