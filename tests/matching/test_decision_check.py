"""The stewards' decisions as labelled pairs checking the person model (issue 16, item
2), on hand-made mentions, on each engine."""

from datetime import date, datetime

import pytest

from matching.decision_check import check_model
from matching.training import MODEL_FILES
from tests.matching.conftest import mention

BORN = date(1984, 3, 9)


def decide(conn, a: str, b: str, kind: str) -> None:
    conn.execute("insert into matching.link_constraint values (?, ?, ?, 'appr', ?, 'test')",
                 [a, b, kind, datetime(2026, 11, 30, 12)])


def test_precision_and_recall_of_the_model_against_the_stewards(match, warehouse, tmp_path):
    match([
        # one person, as a steward merged them: a name and a birth year, nothing more
        mention("s1", "孙丽娟", "sunlijuan", birth=BORN, gender="F"),
        mention("s2", "SUN LIJUAN", "sunlijuan", birth_year=1984, gender="F"),
        # one person with one ID number: far above the merge weight
        mention("i1", "周涛", "zhoutao", birth=BORN, gender="M", id_no="110101198403090017"),
        mention("i2", "周涛", "zhoutao", birth=BORN, gender="M", id_no="110101198403090017",
                city="北京市"),
        # two people with different ID numbers, as a steward split them
        mention("d1", "吴敏", "wumin", birth=BORN, gender="F", id_no="110101198403090025"),
        mention("d2", "吴敏", "wumin", birth=BORN, gender="F", id_no="440305198403096543"),
    ])
    with warehouse.connect() as conn:
        assert check_model(conn, MODEL_FILES["P"]) is None      # no decision yet
        decide(conn, "s1", "s2", "MUST")
        decide(conn, "i1", "i2", "MUST")
        decide(conn, "d1", "d2", "CANNOT")
        decide(conn, "d1", "gone", "CANNOT")                    # a mention no longer there
        chart = tmp_path / "decisions.html"
        check = check_model(conn, MODEL_FILES["P"], chart)
    assert (check.same, check.different) == (2, 1)
    # the ID pair is above the merge weight, the name-and-year pair only above the
    # suspect weight; the two different IDs score below both
    assert (check.at_merge.precision, check.at_merge.recall) == (1.0, pytest.approx(0.5))
    assert (check.at_suspect.precision, check.at_suspect.recall) == (1.0, 1.0)
    assert "2 one person, 1 two" in check.line()
    page = chart.read_text(encoding="utf-8")
    assert "<html" in page.lower() and "cdn.jsdelivr" not in page     # opens offline
