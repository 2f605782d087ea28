"""归并历史 and the audit trail, searched: by party, steward, date range and request
kind. Matching's merges and splits are dated by the run that made them
(matching.match_run.finished_at); steward actions by their audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from ecif.stewardship.users import StewardshipError
from ecif.translation import N_
from ecif.warehouse import Connection


@dataclass(frozen=True)
class HistoryQuery:
    party_id: str | None = None
    steward: str | None = None
    since: date | None = None       # inclusive
    until: date | None = None       # inclusive
    kind: str | None = None         # a request kind (MERGE, SPLIT, MODIFY, …)

    def check(self, kinds: tuple[str, ...]) -> None:
        if not any((self.party_id, self.steward, self.since, self.until, self.kind)):
            raise StewardshipError(N_("give a party, a steward, a date range or a kind to "
                                      "search"))
        if self.kind is not None and self.kind not in kinds:
            raise StewardshipError(N_("kind '{kind}' is not one of {kinds}"), kind=self.kind,
                                   kinds=", ".join(kinds))
        if self.since and self.until and self.since > self.until:
            raise StewardshipError(N_("the range starts ({since}) after it ends ({until})"),
                                   since=self.since, until=self.until)


class Entry(NamedTuple):
    at: datetime | None             # None: a matching run from before runs were dated
    who: str                        # a user, or the matching run's id
    what: str
    detail: str


def _dated(column: str, query: HistoryQuery, where: list[str], params: list) -> None:
    if query.since:
        where.append(f"{column} >= ?")
        params.append(datetime.combine(query.since, time()))
    if query.until:
        where.append(f"{column} < ?")
        params.append(datetime.combine(query.until + timedelta(days=1), time()))


def _matching_events(conn: Connection, query: HistoryQuery) -> tuple[str, list] | None:
    """Matching acts on nobody's request: left out when searching for a steward."""
    if query.steward or not conn.table_exists("matching", "merge_history"):
        return None
    dated = "finished_at" in conn.columns("matching", "match_run")
    at = "run.finished_at" if dated else "cast(null as timestamp)"
    where, params = ["1 = 1"], []
    if query.party_id:
        where.append("(history.party_id = ? or history.related_party_ids like ?)")
        params += [query.party_id, f"%{query.party_id}%"]
    if query.kind:
        where.append("history.event = ?")
        params.append(query.kind)
    if dated:
        _dated(at, query, where, params)
    elif query.since or query.until:
        where.append("1 = 0")       # undated runs fall in no range
    return (f"select {at} as at, history.run_id as who, history.event as what, "
            "history.related_party_ids as detail from matching.merge_history as history "
            "left join matching.match_run as run on run.run_id = history.run_id "
            f"where {' and '.join(where)}", params)


def _steward_actions(query: HistoryQuery) -> tuple[str, list]:
    where, params = ["1 = 1"], []
    if query.party_id:
        where.append("(audit.party_id = ? or audit.request_id in (select request_id from "
                     "stewardship.request where payload like ?))")
        params += [query.party_id, f'%"{query.party_id}"%']
    if query.steward:
        where.append("audit.actor = ?")
        params.append(query.steward)
    if query.kind:
        where.append("audit.request_id in (select request_id from stewardship.request "
                     "where kind = ?)")
        params.append(query.kind)
    _dated("audit.logged_at", query, where, params)
    return ("select audit.logged_at, audit.actor, audit.action, "
            "coalesce('request ' || cast(audit.request_id as varchar), '') || ' ' || "
            "coalesce(audit.detail, '') from stewardship.audit_log as audit "
            f"where {' and '.join(where)}", params)


def search(conn: Connection, query: HistoryQuery, kinds: tuple[str, ...]) -> list[Entry]:
    """Oldest first; undated matching events first of all."""
    query.check(kinds)
    parts = [p for p in (_matching_events(conn, query), _steward_actions(query)) if p]
    sql = " union all ".join(part for part, _ in parts) + " order by 1 nulls first, 2, 3"
    return [Entry(*row) for row in conn.fetchall(sql, [v for _, ps in parts for v in ps])]
