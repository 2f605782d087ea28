"""关系与组合 and 企业层级 kept by hand: a steward adds, ends or corrects a relationship
between two parties, or sets, changes or removes a company's parent company; an
approver decides (maker–checker). The decision becomes a `stewardship.manual_link` row
that wins over what the sources say in marts.customer_relationship and
marts.org_group_hierarchy at every later build. Everything is checked when the request
is made and again when it is approved: the parties exist, the relationship type is one
a steward may set (reference_data/seeds/relationship_type.csv), and no parent company
closes a cycle."""

from __future__ import annotations

from ecif.reference import read_seed
from ecif.stewardship.audit import now
from ecif.stewardship.mentions import mentions_of
from ecif.stewardship.users import StewardshipError
from ecif.translation import N_
from ecif.warehouse import Connection

ACTIONS = ("add", "end", "correct")


def _types(manual_only: bool) -> tuple[str, ...]:
    return tuple(row["relationship_type"] for row in read_seed("relationship_type")
                 if row["manual"] == "true" or not manual_only)


def _shown(conn: Connection, party: str, related: str, kind: str) -> bool:
    return conn.table_exists("marts", "customer_relationship") and bool(conn.scalar(
        "select count(*) from marts.customer_relationship where party_id = ? "
        "and related_party_id = ? and relationship_type = ?", [party, related, kind]))


def relationship(conn: Connection, action: str, party: str, related: str, kind: str,
                 new_related: str | None = None, new_kind: str | None = None) -> dict:
    """The payload of a RELATIONSHIP request: `end` and `correct` name a relationship
    marts.customer_relationship shows; `correct` replaces it by one to `new_related`
    and/or of `new_kind`."""
    if action not in ACTIONS:
        raise StewardshipError(N_("action '{action}' is not one of {actions}"), action=action,
                               actions=", ".join(ACTIONS))
    if kind not in _types(manual_only=False):
        raise StewardshipError(N_("relationship type '{kind}' is not one of {kinds}"),
                               kind=kind, kinds=", ".join(_types(manual_only=False)))
    target = (new_related or related, new_kind or kind) if action == "correct" else \
        (related, kind)
    if action == "correct" and target == (related, kind):
        raise StewardshipError(N_("a correction needs a new related party or a new type"))
    if action != "end" and target[1] not in _types(manual_only=True):
        raise StewardshipError(N_("relationship type '{kind}' cannot be set by hand: one of "
                                  "{kinds}"), kind=target[1],
                               kinds=", ".join(_types(manual_only=True)))
    for one, other in ((party, related), (party, target[0])):
        if one == other:
            raise StewardshipError(N_("party {party} cannot be related to itself"), party=one)
    mentions = {p: mentions_of(conn, p)[0] for p in {party, related, target[0]}}
    if action != "add" and not _shown(conn, party, related, kind):
        raise StewardshipError(N_("there is no {kind} relationship from {party} to {related}"),
                               kind=kind, party=party, related=related)
    if action == "add" and _shown(conn, party, related, kind):
        raise StewardshipError(N_("{party} has a {kind} relationship to {related} already"),
                               party=party, kind=kind, related=related)
    return {"action": action, "party": party, "related": related, "type": kind,
            "new_related": target[0], "new_type": target[1], "mentions": mentions}


def parents(conn: Connection) -> dict[str, str]:
    """Each company's parent company as the next build will show it: the last build's,
    with every steward decision since laid over it."""
    found = dict(conn.fetchall("select party_id, ancestor_party_id from "
                               "marts.org_group_hierarchy where depth = 1")) \
        if conn.table_exists("marts", "org_group_hierarchy") else {}
    for company, parent, active in conn.fetchall(
            "select party_id, related_party_id, active from stewardship.manual_link "
            "where link_kind = 'PARENT' order by changed_at, request_id"):
        if active:
            found[company] = parent
        else:
            found.pop(company, None)
    return found


def check_no_cycle(conn: Connection, company: str, parent: str) -> None:
    chain, seen = [company, parent], {company, parent}
    above = parents(conn)
    while chain[-1] in above:
        chain.append(above[chain[-1]])
        if chain[-1] == company:
            raise StewardshipError(N_("{parent} cannot be the parent of {company}: it closes "
                                      "the cycle {cycle}"), parent=parent, company=company,
                                   cycle=" → ".join(chain))
        if chain[-1] in seen:       # a cycle further up, from the sources: not ours
            return
        seen.add(chain[-1])


def parent(conn: Connection, company: str, new_parent: str | None) -> dict:
    """The payload of a PARENT request: `new_parent` None removes the company's parent."""
    for party in filter(None, (company, new_parent)):
        if not party.startswith("O"):
            raise StewardshipError(N_("party {party} is no organization: only companies have "
                                      "parent companies"), party=party)
    mentions = {p: mentions_of(conn, p)[0] for p in filter(None, (company, new_parent))}
    current = parents(conn).get(company)
    if new_parent is None and current is None:
        raise StewardshipError(N_("{company} has no parent company to remove"),
                               company=company)
    if new_parent is not None:
        if new_parent == company:
            raise StewardshipError(N_("{company} cannot be its own parent company"),
                                   company=company)
        if new_parent == current:
            raise StewardshipError(N_("{parent} is the parent company of {company} already"),
                                   parent=new_parent, company=company)
        check_no_cycle(conn, company, new_parent)
    return {"party": company, "parent": new_parent, "previous": current, "mentions": mentions}


def apply(conn: Connection, kind: str, payload: dict, request_id: int) -> None:
    """Write an approved RELATIONSHIP or PARENT decision (parent cycles checked again:
    another decision may have been approved since the request)."""
    mentions, stamp = payload["mentions"], now()

    def write(party: str, related: str | None, relationship_type: str | None,
              active: bool) -> None:
        conn.execute("insert into stewardship.manual_link values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [kind, party, mentions[party], related, related and mentions[related],
                      relationship_type, active, request_id, stamp])

    if kind == "PARENT":
        if payload["parent"] is not None:
            check_no_cycle(conn, payload["party"], payload["parent"])
        write(payload["party"], payload["parent"], None, payload["parent"] is not None)
        return
    if payload["action"] in ("end", "correct"):
        write(payload["party"], payload["related"], payload["type"], False)
    if payload["action"] in ("add", "correct"):
        write(payload["party"], payload["new_related"], payload["new_type"], True)
