"""客户识别: who is this? Real-time identification of one incoming person or organization
against the live golden records, with the nightly match's rules.

1. The strong rule: an equal valid, informative ID (for organizations the
   organization code inside a USCC, as matching.mentions keys them) → that party.
2. Otherwise the candidates sharing an ID number, an informative mobile or the
   standardized name are scored with the saved Splink model (ecif.service.model_score)
   after being shaped exactly as the nightly run shapes mentions (matching.mentions).
   Persons at or above the merge weight → that party; between the suspect and merge
   weights → a suspect list; organizations are never merged by score, only suggested.
   A candidate with a different valid ID of the same type is never a match (the
   nightly clustering keeps such records apart too).
3. Otherwise a new party id, which the next nightly run keeps: the record becomes a
   manual customer (`stewardship.manual_customer`, request 0 = created by
   identification, a source the nightly staging reads) and its mention is entered in
   `matching.party_mention` under the new id, so the nightly stable-id assignment
   inherits it by overlap (matching.stable_ids); the id number is taken from
   `matching.party_id_sequence`, the nightly run's own counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from ecif.identifiers import normalize_id_no, normalize_mobile, rid_check_char
from ecif.service.model_score import weight_sql
from ecif.stewardship.audit import now
from ecif.warehouse import Connection
from matching.mentions import _SHAPE, COLUMNS, local_duckdb
from matching.stable_ids import ID_WIDTH
from matching.thresholds import load_thresholds
from matching.training import MODEL_FILES

MAX_CANDIDATES = 200
INPUT = "~input"
# the manual customers identification creates carry request 0 (no steward request)
IDENTIFY_REQUEST = 0


@dataclass
class Attributes:
    party_type: str
    name: str
    id_type: str | None = None
    id_no: str | None = None
    mobile: str | None = None
    gender: str | None = None
    birth_date: date | None = None


@dataclass
class Candidate:
    party_id: str
    score: float            # match probability
    match_weight: float
    reason: str


@dataclass
class Identification:
    outcome: str            # MATCHED | SUSPECTS | NEW
    party_id: str | None = None
    score: float | None = None
    reason: str = ""
    suspects: list[Candidate] = field(default_factory=list)


def identify(conn: Connection, attrs: Attributes) -> Identification:
    record = _mention(conn, attrs)
    strong = _strong_match(conn, record)
    if len(strong) == 1:
        return Identification("MATCHED", strong[0], 1.0,
                              f"same valid {record['id_type']} number (strong rule)")
    thresholds = load_thresholds()
    scored = [c for c in _score(conn, record) if c.party_id not in strong]
    scored += [Candidate(p, 1.0, float("inf"), "same valid ID number") for p in strong]
    if attrs.party_type == "P":
        merge = [c for c in scored if c.match_weight >= thresholds.person_merge]
        if len(merge) == 1:
            return Identification("MATCHED", merge[0].party_id, merge[0].score,
                                  merge[0].reason)
        suspect_weight = thresholds.person_suspect
    else:
        suspect_weight = thresholds.org_suspect
    suspects = [c for c in scored if c.match_weight >= suspect_weight]
    if suspects:
        return Identification("SUSPECTS", reason="similar records need a steward's review",
                              suspects=sorted(suspects, key=lambda c: -c.match_weight))
    return Identification("NEW", _reserve(conn, record), None,
                          "no existing record matches: new party, kept by the next nightly run")


def _mention(conn: Connection, attrs: Attributes) -> dict[str, Any]:
    """The incoming record with the flags the staging models would give it."""
    id_no = normalize_id_no(attrs.id_no) if attrs.id_no else None
    id_valid = bool(id_no and attrs.id_type and (
        attrs.id_type != "RID" or (re.fullmatch(r"\d{17}[\dX]", id_no) is not None
                                   and rid_check_char(id_no[:17]) == id_no[17])))
    mobile = normalize_mobile(attrs.mobile) if attrs.mobile else None
    mobile_valid = bool(mobile and re.fullmatch(r"1\d{10}", mobile))
    name_std = _standardize(attrs.name, attrs.party_type)
    pinyin = conn.fetchone("select pinyin_key from intermediate.int_name_pinyin "
                           "where name_std = ?", [name_std]) if attrs.party_type == "P" else None
    id_birth = (datetime.strptime(id_no[6:14], "%Y%m%d").date()
                if id_valid and attrs.id_type == "RID" else None)
    birth = attrs.birth_date or id_birth
    record = dict.fromkeys(COLUMNS)
    record.update(
        mention_id=INPUT, party_type=attrs.party_type, name_std=name_std,
        pinyin_key=pinyin[0] if pinyin else None, id_type=attrs.id_type, id_no=id_no,
        id_problem=None if id_valid else ("EMPTY" if not id_no else "INVALID"),
        id_valid=id_valid, id_informative=id_valid, id_birth_date=id_birth,
        gender=attrs.gender or "U", birth_date=birth, birth_year=birth.year if birth else None,
        mobile=mobile, mobile_valid=mobile_valid, mobile_informative=mobile_valid,
        phone_problem="EMPTY", name=attrs.name.strip())
    return record


def _standardize(name: str, party_type: str) -> str:
    """The dbt macros standardize_person_name / standardize_org_name, for one value
    (the organization's legal-form suffix is left as typed)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", name).strip()
    if party_type == "O" or re.search(r"[\u4e00-\u9fff]", text):
        text = re.sub(r"\s", "", text)
        return text.translate(str.maketrans("•・．.‧∙⋅･【】[]〔〕", "········()()()"))
    return re.sub(r"\s+", " ", text).upper()


def _strong_match(conn: Connection, record: dict[str, Any]) -> list[str]:
    if not record["id_valid"]:
        return []
    id_type, id_no = record["id_type"], record["id_no"]
    if record["party_type"] == "O" and id_type in ("USCC", "ORG"):
        org_code = id_no[8:17] if id_type == "USCC" else id_no
        where = ("((id_type = 'USCC' and substr(id_no, 9, 9) = ?) "
                 "or (id_type = 'ORG' and id_no = ?))")
        params: list[Any] = [org_code, org_code]
    else:
        where, params = "id_type = ? and id_no = ?", [id_type, id_no]
    live = conn.fetchall(
        "select distinct party_id from intermediate.int_mention_party "
        f"where party_type = ? and id_informative and {where}", [record["party_type"], *params])
    # parties identification created since the last nightly run are not in the marts yet
    reserved = conn.fetchall(
        "select distinct assignment.party_id from stewardship.manual_customer as manual "
        "join matching.party_mention as assignment on assignment.mention_id = "
        "'steward|manual_customer|' || manual.manual_key || '|customer' "
        "where manual.party_type = ? and manual.id_type = ? and manual.id_no = ?",
        [record["party_type"], id_type, id_no])
    return sorted({r[0] for r in live + reserved})


def _score(conn: Connection, record: dict[str, Any]) -> list[Candidate]:
    """The best-scoring mention of each candidate party, scored against the record."""
    keys = [("id_no = ?", record["id_no"]),
            ("mobile = ? and mobile_valid and mobile_informative", record["mobile"]),
            ("name_std = ?", record["name_std"])]
    blocks = [(sql, value) for sql, value in keys if value]
    cursor = conn.execute(
        f"select party_id, {', '.join(COLUMNS)} from intermediate.int_mention_party "
        f"where party_type = ? and ({' or '.join(sql for sql, _ in blocks)}) limit ?",
        [record["party_type"], *(v for _, v in blocks), MAX_CANDIDATES])
    names = [d[0] for d in cursor.description]
    candidates = pd.DataFrame(cursor.fetchall(), columns=names)
    if candidates.empty:
        return []
    party_of = dict(zip(candidates["mention_id"], candidates["party_id"], strict=True))
    frame = pd.concat([candidates[list(COLUMNS)],
                       pd.DataFrame([{c: record[c] for c in COLUMNS}])], ignore_index=True)
    weight, labels = weight_sql(MODEL_FILES[record["party_type"]])
    local = local_duckdb()
    try:
        local.register("raw_mentions", frame)
        local.execute(f"create table mentions as {_SHAPE}")
        shaped = [r[0] for r in local.execute("describe mentions").fetchall()]
        pair_columns = ", ".join(f'l."{c}" as "{c}_l", r."{c}" as "{c}_r"' for c in shaped)
        rows = local.execute(f"""
            with pairs as (
                select {pair_columns} from mentions l cross join mentions r
                where l.mention_id = ? and r.mention_id <> ?
                  and not coalesce(l.valid_id_type = r.valid_id_type
                                   and l.valid_id_no <> r.valid_id_no, false))
            select mention_id_r, {weight} as match_weight, concat_ws('; ', {', '.join(labels)})
            from pairs""", [INPUT, INPUT]).fetchall()
    finally:
        local.close()
    best: dict[str, Candidate] = {}
    for mention_id, match_weight, reason in rows:
        party = party_of[mention_id]
        if party not in best or match_weight > best[party].match_weight:
            best[party] = Candidate(party, 1 / (1 + 2 ** -match_weight), match_weight, reason)
    return list(best.values())


def _reserve(conn: Connection, record: dict[str, Any]) -> str:
    """A new party id, entered where the next nightly run will find and keep it."""
    with conn.transaction():
        number = int(conn.scalar("update matching.party_id_sequence "
                                 "set next_number = next_number + 1 "
                                 "returning next_number - 1"))
        party_id = f"{record['party_type']}{number:0{ID_WIDTH}d}"
        manual_key = f"I{number:0{ID_WIDTH}d}"
        conn.execute(
            "insert into stewardship.manual_customer values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [manual_key, record["party_type"], record["name"],
             record["id_type"] if record["id_no"] else None, record["id_no"],
             None if record["gender"] == "U" else record["gender"],
             record["birth_date"], record["mobile"], IDENTIFY_REQUEST, now()])
        conn.execute("insert into matching.party_mention (mention_id, party_type, party_id, "
                     "run_id) values (?, ?, ?, ?)",
                     [f"steward|manual_customer|{manual_key}|customer", record["party_type"],
                      party_id, "identify"])
    return party_id
