"""客户识别: who is this? Real-time identification of one incoming person or organization
against the live golden records, with the nightly match's rules.

0. A portal user name identification was given before with a party → that party
   (stewardship.identity_key; no source system keeps user names).
1. The strong rule: an equal valid, informative ID and, for persons, the same name
   by its pinyin (三要素; for organizations the organization code inside a USCC, as
   matching.mentions keys them) → that party. A party holding the ID under another
   name is at least a suspect, never a reason for a new id.
   An equal valid e-mail and the same name → that party, when exactly one holds it;
   a party holding the e-mail under another name is a suspect.
2. Otherwise the candidates sharing an ID number, an informative mobile or the
   standardized name (the first MAX_CANDIDATES in mention id order) are scored with
   the saved Splink model (ecif.service.model_score), both sides shaped exactly as the
   nightly run shapes mentions (ecif.service.mention_shape).
   Persons at or above the merge weight with an ID number or an informative mobile
   agreeing (the nightly corroboration) → that party; between the suspect and merge
   weights → a suspect list; organizations are never merged by score, only suggested.
   A candidate with a different valid ID of the same type is never a match (the
   nightly clustering keeps such records apart too).
3. Otherwise, if the record is admissible (准入: a valid ID, or a name with a valid
   mobile; ecif.identifiers.PartyInput), a new party id, which the next nightly run
   keeps, and NOT_FOUND if it is not: the record becomes a
   manual customer (`stewardship.manual_customer`, request 0 = created by
   identification, a source the nightly staging reads) and its mention is entered in
   `matching.party_mention` under the new id, so the nightly stable-id assignment
   inherits it by overlap (matching.stable_ids); the id number comes from
   `matching.party_id_sequence`, the nightly run's own counter
   (ecif.service.party_numbers). Its CREATED change event is written in the same
   transaction (ecif.events.changes.created_by_identify).

The live mentions are looked up in the service's memory (ecif.service.live_mentions);
the warehouse is read only for the parties identification created since the last
nightly run, and written only for a new party.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ecif.events import outbox
from ecif.events.changes import created_by_identify
from ecif.identifiers import (
    PartyInput,
    effective_id_type,
    mention_id,
    org_name_key,
    rid_birth_date,
    standardize_name,
    standardize_person_name,
)
from ecif.service.live_mentions import LiveMentions
from ecif.service.mention_shape import Mention, shape
from ecif.service.model_score import pair_condition, pair_model
from ecif.service.party_numbers import PartyNumbers
from ecif.stewardship.audit import now
from ecif.warehouse import Connection
from matching.mentions import COLUMNS
from matching.person_model import CORROBORATED
from matching.stable_ids import ID_WIDTH
from matching.thresholds import load_thresholds
from matching.training import MODEL_FILES

MAX_CANDIDATES = 200
INPUT = "~input"
# the manual customers identification creates carry request 0 (no steward request)
IDENTIFY_REQUEST = 0


@dataclass
class Candidate:
    party_id: str
    score: float            # match probability
    match_weight: float
    reason: str
    corroborated: bool      # an ID number or an informative mobile agrees


@dataclass
class Identification:
    outcome: str            # MATCHED | SUSPECTS | NEW | NOT_FOUND
    party_id: str | None = None
    score: float | None = None
    reason: str = ""
    suspects: list[Candidate] = field(default_factory=list)


def identify(conn: Connection, attrs: PartyInput, live: LiveMentions,
             numbers: PartyNumbers) -> Identification:
    """`attrs` passed the staging rules (ecif.identifiers.check_party)."""
    found = _identify(conn, attrs, live, numbers)
    if attrs.user_name and found.outcome in ("MATCHED", "NEW") and found.party_id:
        keep_user_name(conn, attrs, found.party_id)
    return found


def _identify(conn: Connection, attrs: PartyInput, live: LiveMentions,
              numbers: PartyNumbers) -> Identification:
    record = _mention(attrs, live)
    incoming = shape(record, live.raw_schema)
    by_user = _user_name_party(conn, attrs)
    if by_user is not None:
        return Identification("MATCHED", by_user, 1.0, "same portal user name")
    strong, same_id = _strong_match(conn, live, record, incoming)
    if len(strong) == 1:
        return Identification("MATCHED", strong[0], 1.0,
                              f"same valid {incoming['id_type']} number (strong rule)")
    same_email, email_other_name = _email_match(live, record)
    if not strong and len(same_email) == 1:
        return Identification("MATCHED", same_email[0], 1.0, "same e-mail and name")
    thresholds = load_thresholds()
    scored = [c for c in _score(live, record, incoming) if c.party_id not in strong]
    scored += [Candidate(p, 1.0, float("inf"), "same valid ID number", True) for p in strong]
    # a party holding this valid ID under another name is for a steward, never a new id
    scored += [Candidate(p, 0.5, 0.0, "same valid ID number, another name", False)
               for p in sorted(set(same_id) - {c.party_id for c in scored})]
    # so is one holding the e-mail (under another name, or more than one party)
    by_email = sorted({*same_email, *email_other_name} - {c.party_id for c in scored})
    scored += [Candidate(p, 0.5, 0.0, "same e-mail", False) for p in by_email]
    review = {*same_id, *by_email}
    if attrs.party_type == "P":
        merge = [c for c in scored
                 if c.match_weight >= thresholds.person_merge and c.corroborated]
        if len(merge) == 1:
            return Identification("MATCHED", merge[0].party_id, merge[0].score,
                                  merge[0].reason)
        suspect_weight = thresholds.person_suspect
    else:
        suspect_weight = thresholds.org_suspect
    suspects = [c for c in scored if c.match_weight >= suspect_weight or c.party_id in review]
    if suspects:
        return Identification("SUSPECTS", reason="similar records need a steward's review",
                              suspects=sorted(suspects, key=lambda c: -c.match_weight))
    if not attrs.admissible:
        return Identification("NOT_FOUND", reason="no existing record matches, and a new party "
                              "needs a valid ID, or a name with a valid mobile")
    return Identification("NEW", _reserve(conn, record, numbers.take(conn)), None,
                          "no existing record matches: new party, kept by the next nightly run")


def _email_match(live: LiveMentions, record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(the parties holding the e-mail under the record's name, those holding it under
    another name). An e-mail is one person's login and contact, not a document: it
    identifies only together with the name, as an ID number does (三要素)."""
    if not record["email"]:
        return [], []
    same, other = set(), set()
    for mention in live.rows(live.find("email", record["email"], record["party_type"])):
        named = mention["name_std"] == record["name_std"] or (
            record["pinyin_key"] is not None and mention["pinyin_key"] == record["pinyin_key"])
        (same if named else other).add(mention["party_id"])
    return sorted(same), sorted(other - same)


def _user_name_party(conn: Connection, attrs: PartyInput) -> str | None:
    """The party a portal user name was identified with before: through the mention it
    was kept on, wherever the nightly runs have put that mention since."""
    if not attrs.user_name:
        return None
    row = conn.fetchone(
        "select assignment.party_id from stewardship.identity_key as kept "
        "join matching.party_mention as assignment on assignment.mention_id = kept.mention_id "
        "where kept.key_type = 'USER_NAME' and kept.key_value = ? and kept.party_type = ?",
        [attrs.user_name, attrs.party_type])
    return row[0] if row else None


def keep_user_name(conn: Connection, attrs: PartyInput, party_id: str) -> None:
    """Remember the user name on one mention of the party (the first by id: a manual
    customer's for a new party) unless the name is known already."""
    conn.execute(
        "insert into stewardship.identity_key "
        "select 'USER_NAME', ?, ?, min(mention_id), ? from matching.party_mention "
        "where party_id = ? and not exists (select 1 from stewardship.identity_key "
        "where key_type = 'USER_NAME' and key_value = ? and party_type = ?) "
        "having min(mention_id) is not null",
        [attrs.user_name, attrs.party_type, now(), party_id, attrs.user_name, attrs.party_type])


def _mention(attrs: PartyInput, live: LiveMentions) -> dict[str, Any]:
    """The incoming record with the flags the staging models would give it: every
    value present is valid (a placeholder never is), none is known to be shared, and a
    household register or OTHER number that is a resident ID is read as one."""
    id_type = effective_id_type(attrs.party_type, attrs.id_type, attrs.id_no)
    id_birth = rid_birth_date(attrs.id_no) if attrs.id_no and id_type == "RID" else None
    id_valid = attrs.id_no is not None
    mobile_valid = attrs.mobile is not None
    name_std = standardize_name(attrs.name, attrs.party_type)
    pinyin = live.pinyin_key(name_std) if attrs.party_type == "P" else None
    pinyin_alt = live.pinyin_key_alt(name_std) if attrs.party_type == "P" else None
    birth = attrs.birth_date or id_birth
    record = dict.fromkeys(COLUMNS)
    record.update(
        mention_id=INPUT, party_type=attrs.party_type, name_std=name_std,
        org_name_key=org_name_key(name_std) if attrs.party_type == "O" else None,
        pinyin_key=pinyin, pinyin_key_alt=pinyin_alt, id_type=id_type, id_no=attrs.id_no,
        id_problem=None if id_valid else "EMPTY",
        id_valid=id_valid, id_informative=id_valid, id_birth_date=id_birth,
        gender=attrs.gender or "U", birth_date=birth, birth_year=birth.year if birth else None,
        mobile=attrs.mobile, mobile_valid=mobile_valid, mobile_informative=mobile_valid,
        phone_problem="EMPTY", name=attrs.name, email=attrs.email,
        filed_id_type=attrs.id_type)     # as given: a manual customer keeps it so
    return record


def _strong_match(conn: Connection, live: LiveMentions, record: dict[str, Any],
                  incoming: Mention) -> tuple[list[str], list[str]]:
    """(the parties the strong rule names, the parties holding the same valid ID under
    any name). For persons the strong rule is 三要素: ID type, number and name (by its
    pinyin), as the nightly strong key; an organization's code alone is enough."""
    if not record["id_valid"]:
        return [], []
    party_type, id_type, id_no = record["party_type"], record["filed_id_type"], record["id_no"]
    if incoming["org_code"] is not None:
        found = live.find("org_code", incoming["org_code"], "O")
        parties = sorted({m["party_id"] for m in live.rows(found)})
        return parties, parties
    strong = {m["party_id"] for m in live.rows(
        live.find("strong_key", incoming["strong_key"], party_type))}
    same_id = {m["party_id"] for m in live.rows(
        live.find("id_key", f"{party_type}:{incoming['id_type']}:{id_no}", party_type))}
    # parties identification created since the last nightly run are not in the marts
    # yet: a manual customer with this ID, then (only then) its entry in party_mention
    for key, name in conn.fetchall(
            "select manual_key, name from stewardship.manual_customer "
            "where party_type = ? and id_type = ? and id_no = ?", [party_type, id_type, id_no]):
        parties = {r[0] for r in conn.fetchall(
            "select distinct party_id from matching.party_mention where mention_id = ?",
            [mention_id("steward", "manual_customer", key, "customer")])}
        same_id |= parties
        if party_type == "O" or _same_name(name, record, live):
            strong |= parties
    return sorted(strong), sorted(same_id | strong)


def _same_name(name: str, record: dict[str, Any], live: LiveMentions) -> bool:
    """The person's name equals the record's, standardized or read as pinyin."""
    name_std = standardize_person_name(name)
    return name_std == record["name_std"] or (
        record["pinyin_key"] is not None and live.pinyin_key(name_std) == record["pinyin_key"])


def _score(live: LiveMentions, record: dict[str, Any], incoming: Mention) -> list[Candidate]:
    """The best-scoring mention of each candidate party, scored against the record."""
    found = [live.find(key, record[key], record["party_type"])
             for key in ("id_no", "mobile", "name_std")]
    candidates = live.rows(np.union1d(np.union1d(*found[:2]), found[2])[:MAX_CANDIDATES])
    model = pair_model(MODEL_FILES[record["party_type"]])
    corroborates = pair_condition(CORROBORATED)
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        if _other_valid_id(incoming, candidate):
            continue
        match_weight, reason = model.score(incoming, candidate)
        party = candidate["party_id"]
        if party not in best or match_weight > best[party].match_weight:
            best[party] = Candidate(party, 1 / (1 + 2 ** -match_weight), match_weight, reason,
                                    corroborates((incoming, candidate)) is True)
    return list(best.values())


def _other_valid_id(incoming: Mention, candidate: Mention) -> bool:
    """A different valid ID of the same type: never the same party."""
    return (incoming["valid_id_type"] is not None
            and incoming["valid_id_type"] == candidate["valid_id_type"]
            and candidate["valid_id_no"] is not None
            and incoming["valid_id_no"] != candidate["valid_id_no"])


def _reserve(conn: Connection, record: dict[str, Any], number: int) -> str:
    """Party id `number`, entered where the next nightly run will find and keep it."""
    party_id = f"{record['party_type']}{number:0{ID_WIDTH}d}"
    manual_key = f"I{number:0{ID_WIDTH}d}"
    # the event's seq is taken in this transaction: creations commit one at a time
    with outbox.WRITING, conn.transaction():
        conn.execute(
            "insert into stewardship.manual_customer values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [manual_key, record["party_type"], record["name"],
             record["filed_id_type"] if record["id_no"] else None, record["id_no"],
             None if record["gender"] == "U" else record["gender"],
             record["birth_date"], record["mobile"], IDENTIFY_REQUEST, now()])
        conn.execute("insert into matching.party_mention (mention_id, party_type, party_id, "
                     "run_id) values (?, ?, ?, ?)",
                     [mention_id("steward", "manual_customer", manual_key, "customer"),
                      record["party_type"], party_id, "identify"])
        created_by_identify(conn, party_id, {
            **record, "id_type": record["id_type"] if record["id_no"] else None,
            "status": "ACTIVE"})
    return party_id
