"""Hand-made person mentions and one matching run over them, on each engine: the
`match` fixture of the person rule and review queue tests."""

from datetime import date

import pandas as pd
import pytest

from ecif.identifiers import rid_check_char
from ecif.warehouse import write_frame
from matching.mentions import COLUMNS
from matching.run import run_matching


def rid(area: str, birth: date, sequence: str) -> str:
    body = f"{area}{birth:%Y%m%d}{sequence}"
    return body + rid_check_char(body)


def mention(mention_id: str, name: str, pinyin: str, **values) -> dict:
    """A valid, informative person mention; id and mobile as given, else empty."""
    row = dict.fromkeys(COLUMNS)
    birth = values.pop("birth", None)
    row.update(mention_id=mention_id, party_type="P", name_std=name, pinyin_key=pinyin,
               gender=values.pop("gender", "U"), birth_date=birth,
               birth_year=birth.year if birth else values.pop("birth_year", None),
               id_problem="EMPTY", phone_problem="EMPTY", id_valid=False,
               id_informative=False, mobile_valid=False, mobile_informative=False)
    if "id_no" in values:
        row.update(id_type=values.pop("id_type", "RID"), id_no=values.pop("id_no"),
                   id_problem=None, id_valid=True, id_informative=True)
        if row["id_type"] == "RID":
            row["id_birth_date"] = birth
    if "mobile" in values:
        row.update(mobile=values.pop("mobile"), mobile_valid=True, mobile_informative=True)
    row.update(values)
    return row


class Outcome(dict):
    """mention_id → party_id after one run, and the person suspects' party pairs."""
    suspects: set[frozenset[str]]


@pytest.fixture
def match(warehouse):
    """match(mentions, links=(), ties=()) → the Outcome of one run. links: mention
    pairs of int_contract_name_link; ties: (mention_id, mobile) of int_mobile_tie."""
    def run(rows: list[dict], links: tuple[tuple[str, str], ...] = (),
            ties: tuple[tuple[str, str], ...] = ()) -> Outcome:
        frame = pd.DataFrame(rows, columns=list(COLUMNS)).astype(
            {"birth_date": "datetime64[s]", "id_birth_date": "datetime64[s]",
             "birth_year": "Int64", "id_valid": bool, "id_informative": bool,
             "mobile_valid": bool, "mobile_informative": bool})
        pairs = pd.DataFrame(list(links) or None, columns=["mention_id_a", "mention_id_b"],
                             dtype="string")
        with warehouse.connect() as conn:
            conn.execute("create schema if not exists intermediate")
            write_frame(conn, "intermediate", "int_party_mention", frame)
            write_frame(conn, "intermediate", "int_contract_name_link", pairs)
            write_frame(conn, "intermediate", "int_mobile_tie", pd.DataFrame(
                list(ties) or None, columns=["mention_id", "mobile"], dtype="string"))
            run_matching(conn, "R000001")
            outcome = Outcome(conn.fetchall(
                "select mention_id, party_id from matching.party_mention"))
            outcome.suspects = {frozenset(pair) for pair in conn.fetchall(
                "select party_id_a, party_id_b from matching.person_suspect")}
            return outcome
    return run
