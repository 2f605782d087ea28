"""Row scoping by ownership, in the query layer.

An agent sees only the parties one of whose core customer records carries the
agent's code; a telesales seat only the parties of leads assigned to it (the lead's
seat travels in the mention's `agent_code` column); a portal customer only the one
party the account is bound to (its owner code). The same ownership rule is
enforced a second time on PostgreSQL by row-level security, written in SQL by the build
(macro `owning_mentions` of dbt_project/macros/row_security.sql; keep the two equal),
so a bug in either layer alone does not leak rows.
"""

from __future__ import annotations

from ecif.service.accounts import SCOPED_ROLES, User
from ecif.warehouse import Connection

# role → which mentions make a party theirs; the owner code is in mention.agent_code
OWNING_MENTIONS = {
    "agent": "mention.source_system = 'core' and mention.source_entity = 'customer'",
    "telesales": "mention.source_system = 'telesales' and mention.source_entity = 'lead'",
}


def owned_parties(role: str) -> str:
    """A query of the party ids a user of a scoped role owns; its one parameter is the
    user's owner code."""
    if role == "customer":
        return "select cast(? as text) as party_id"
    return ("select mention.party_id from serving.mention_party as mention "
            f"where {OWNING_MENTIONS[role]} and mention.agent_code = ?")


def visible(conn: Connection, user: User, party_ids: list[str]) -> list[str]:
    """The subset of party_ids the user may see, in the given order."""
    if user.role not in SCOPED_ROLES or not party_ids:
        return party_ids if user.role not in SCOPED_ROLES else []
    owned = {r[0] for r in conn.fetchall(
        f"select distinct party_id from ({owned_parties(user.role)}) as owned "
        "where party_id in (" + ", ".join("?" for _ in party_ids) + ")",
        [user.owner_code, *party_ids])}
    return [p for p in party_ids if p in owned]
