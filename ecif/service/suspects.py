"""The steward's review queue: organization suspect groups and person review tasks
from the last matching run (the published marts.suspect_group_member and
marts.person_suspect, matching.review_tasks), a group's golden records side by side,
and the evidence of a person task's pairs."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ecif.warehouse import Connection
from matching.review_tasks import TASK_SEPARATOR

COMPARED = ("party_id", "party_type", "name", "id_type", "id_no", "id_status", "gender",
            "birth_date", "mobile", "status")
# A golden ID or mobile is valid or empty; a steward comparing parties still sees the
# best invalid one that was seen (customer_attribute_lineage), with id_status saying so.
_SEEN = {
    "id_type": "coalesce(c.id_type, split_part(seen_id.surviving_value, ':', 1))",
    "id_no": "coalesce(c.id_no, split_part(seen_id.surviving_value, ':', 2))",
    "mobile": "coalesce(c.mobile, seen_mobile.surviving_value)",
}


@dataclass(frozen=True)
class SuspectGroup:
    group_id: str       # an organization group's id, or a person task's (`P…+P…`)
    party_ids: list[str]
    score: float        # the group's score; a person task's probability of being one


@dataclass(frozen=True)
class PairEvidence:
    """Why the best mention pair of two suspect persons scored so (matching.review_tasks):
    levels are (comparison, level met, weight); the prior, the levels and the term
    frequency adjustment add up to match_weight."""
    party_ids: tuple[str, str]
    match_weight: float
    match_probability: float
    prior: float
    levels: list[tuple[str, str, float]]
    term_frequency: float
    name_frequency: float       # how common the name is: for the queue's order only


def queue(conn: Connection) -> list[SuspectGroup]:
    groups = conn.fetchall(
        "select suspect_group_id, string_agg(party_id, ',' order by party_id), max(score) "
        "from marts.suspect_group_member group by suspect_group_id order by 1")
    tasks = conn.fetchall(
        "select review_task_id, max(task_probability) from marts.person_suspect "
        "group by review_task_id order by 2 desc, 1")
    return ([SuspectGroup(g, members.split(","), score) for g, members, score in groups]
            + [SuspectGroup(task, task.split(TASK_SEPARATOR), p) for task, p in tasks])


def queue_precision(conn: Connection) -> float | None:
    """The share of the queued person pairs expected to be one person, as the last
    matching run estimated it (matching.review_tasks: their rank probabilities)."""
    return conn.scalar("select person_queue_precision from reports.rpt_matching_run "
                       "order by run_id desc limit 1")


def members(conn: Connection, group_id: str) -> list[str]:
    """The parties of a group still under review; empty when there is no such group."""
    if TASK_SEPARATOR in group_id:
        found = conn.scalar("select count(*) from marts.person_suspect "
                            "where review_task_id = ?", [group_id])
        return sorted(group_id.split(TASK_SEPARATOR)) if found else []
    return [r[0] for r in conn.fetchall(
        "select party_id from marts.suspect_group_member where suspect_group_id = ? "
        "order by party_id", [group_id])]


def task_evidence(conn: Connection, task_id: str) -> list[PairEvidence]:
    """The evidence of a person task's pairs, the strongest first."""
    rows = conn.fetchall(
        "select party_id_a, party_id_b, match_weight, match_probability, evidence "
        "from marts.person_suspect where review_task_id = ? "
        "order by match_weight desc, party_id_a, party_id_b", [task_id])
    out = []
    for a, b, weight, probability, text in rows:
        shown = json.loads(text)
        out.append(PairEvidence((a, b), weight, probability, shown["prior"],
                                [tuple(level) for level in shown["levels"]],
                                shown["term_frequency"], shown["name_frequency"]))
    return out


def side_by_side(conn: Connection, party_ids: list[str]) -> tuple[list[dict], set[str]]:
    """The golden records of the parties, and the attributes on which they differ."""
    columns = ", ".join(_SEEN.get(c, f"c.{c}") for c in COMPARED)
    cursor = conn.execute(
        f"select {columns} from marts.customer as c "
        "left join marts.customer_attribute_lineage as seen_id on seen_id.party_id = c.party_id "
        "and seen_id.attribute = 'id' "
        "left join marts.customer_attribute_lineage as seen_mobile "
        "on seen_mobile.party_id = c.party_id and seen_mobile.attribute = 'mobile' "
        "where c.party_id in (" + ", ".join("?" for _ in party_ids) + ") order by c.party_id",
        party_ids)
    records = [dict(zip(COMPARED, row, strict=True)) for row in cursor.fetchall()]
    differing = {c for c in COMPARED[1:] if len({str(r[c]) for r in records}) > 1}
    return records, differing
