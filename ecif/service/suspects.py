"""The steward's review queue: organization suspect groups and person suspect pairs
from the last matching run, and a group's golden records side by side."""

from __future__ import annotations

from dataclasses import dataclass

from ecif.warehouse import Connection

PAIR_SEPARATOR = "+"
COMPARED = ("party_id", "party_type", "name", "id_type", "id_no", "gender", "birth_date",
            "mobile", "status")


@dataclass(frozen=True)
class SuspectGroup:
    group_id: str       # an organization group's id, or `P…+P…` for a person pair
    party_ids: list[str]
    score: float


def queue(conn: Connection) -> list[SuspectGroup]:
    groups = conn.fetchall(
        "select suspect_group_id, string_agg(party_id, ',' order by party_id), max(score) "
        "from matching.suspect_group_member group by suspect_group_id order by 1")
    pairs = conn.fetchall(
        "select party_id_a, party_id_b, match_probability from matching.person_suspect "
        "order by match_weight desc, party_id_a, party_id_b")
    return ([SuspectGroup(g, members.split(","), score) for g, members, score in groups]
            + [SuspectGroup(f"{a}{PAIR_SEPARATOR}{b}", [a, b], p) for a, b, p in pairs])


def members(conn: Connection, group_id: str) -> list[str]:
    """The parties of a group still under review; empty when there is no such group."""
    if PAIR_SEPARATOR in group_id:
        a, _, b = group_id.partition(PAIR_SEPARATOR)
        found = conn.scalar("select count(*) from matching.person_suspect "
                            "where party_id_a = ? and party_id_b = ?", [a, b])
        return [a, b] if found else []
    return [r[0] for r in conn.fetchall(
        "select party_id from matching.suspect_group_member where suspect_group_id = ? "
        "order by party_id", [group_id])]


def side_by_side(conn: Connection, party_ids: list[str]) -> tuple[list[dict], set[str]]:
    """The golden records of the parties, and the attributes on which they differ."""
    cursor = conn.execute(
        f"select {', '.join(COMPARED)} from marts.customer where party_id in ("
        + ", ".join("?" for _ in party_ids) + ") order by party_id", party_ids)
    records = [dict(zip(COMPARED, row, strict=True)) for row in cursor.fetchall()]
    differing = {c for c in COMPARED[1:] if len({str(r[c]) for r in records}) > 1}
    return records, differing
