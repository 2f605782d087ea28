"""Parties and their mentions as matching last assigned them."""

from __future__ import annotations

from ecif.staging_state import staged_mentions
from ecif.stewardship.users import StewardshipError
from ecif.translation import N_
from ecif.warehouse import Connection


def mentions_of(conn: Connection, party_id: str) -> list[str]:
    rows = conn.fetchall("select mention_id from matching.party_mention where party_id = ? "
                         "order by mention_id", [party_id])
    if not rows:
        raise StewardshipError(N_("no party {party}"), party=party_id)
    return [r[0] for r in rows]


def check_current(conn: Connection, mention_ids: list[str]) -> None:
    """Refuse a decision on a mention whose source row has been deleted since."""
    gone = sorted(set(mention_ids) - staged_mentions(conn, mention_ids))
    if gone:
        raise StewardshipError(N_("mention {mention} no longer exists in its source ({gone} "
                                  "gone): the decision no longer applies"),
                               mention=gone[0], gone=len(gone))
