"""Webhook subscriptions (`events.subscription`) and the events that could not be
delivered (`events.dead_letter`). A subscription keeps its own delivery cursor
(`delivered_seq`): the dispatcher sends the events after it, in seq order, and moves
it only when the receiver has answered 2xx (or the event went to the dead letters)."""

from __future__ import annotations

import secrets as token
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecif.events.outbox import TABLE, TYPES
from ecif.events.outbox import ensure_tables as ensure_outbox
from ecif.stewardship.audit import now
from ecif.warehouse import Connection


class FeedError(ValueError):
    """A subscription request the rules refuse (409 from the API, one line from the CLI)."""


MIN_SECRET = 16             # characters: a guessable secret makes signatures worthless


@dataclass
class Subscription:
    subscription_id: str
    url: str
    event_types: list[str]      # empty: every type
    secret: str
    role: str                   # whose view of personal data the events carry
    delivered_seq: int
    attempts: int               # failed attempts at the event after delivered_seq
    next_attempt_at: datetime | None

    def public(self) -> dict[str, Any]:
        """What the API shows: never the secret."""
        return {"subscription_id": self.subscription_id, "url": self.url,
                "event_types": self.event_types, "role": self.role,
                "delivered_seq": self.delivered_seq, "attempts": self.attempts}


FIELDS = ("subscription_id", "url", "event_types", "secret", "role", "delivered_seq",
          "attempts", "next_attempt_at")


def ensure_tables(conn: Connection) -> None:
    ensure_outbox(conn)
    conn.execute("create table if not exists events.subscription (subscription_id text "
                 "primary key, url text not null, event_types text, secret text not null, "
                 "role text not null, delivered_seq bigint not null, attempts integer not null, "
                 "next_attempt_at timestamp, created_by text, created_at timestamp)")
    conn.execute("create table if not exists events.dead_letter (subscription_id text, "
                 "seq bigint, event_id text, attempts integer, last_error text, "
                 "dead_at timestamp, replayed_at timestamp)")


def create(conn: Connection, url: str, event_types: list[str], secret: str, role: str,
           user: str, after: int | None = None) -> Subscription:
    """after: deliver the events after this seq (default: only those still to come)."""
    if not url.startswith(("http://", "https://")):
        raise FeedError("a subscription's url must be http:// or https://")
    unknown = sorted(set(event_types) - set(TYPES))
    if unknown:
        raise FeedError(f"unknown event type {unknown[0]}: one of {', '.join(TYPES)}")
    if len(secret) < MIN_SECRET:
        raise FeedError(f"the secret needs at least {MIN_SECRET} characters")
    start = after if after is not None else int(
        conn.scalar(f"select coalesce(max(seq), 0) from {TABLE}"))
    sub = Subscription(f"S{token.token_hex(6)}", url, sorted(event_types), secret, role, start,
                       0, None)
    conn.execute("insert into events.subscription values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [sub.subscription_id, url, ",".join(sub.event_types), secret, role, start, 0,
                  None, user, now()])
    return sub


def all_subscriptions(conn: Connection) -> list[Subscription]:
    return [Subscription(r[0], r[1], [t for t in (r[2] or "").split(",") if t], *r[3:])
            for r in conn.fetchall(f"select {', '.join(FIELDS)} from events.subscription "
                                   "order by subscription_id")]


def get(conn: Connection, subscription_id: str) -> Subscription:
    for sub in all_subscriptions(conn):
        if sub.subscription_id == subscription_id:
            return sub
    raise FeedError(f"no subscription {subscription_id}")


def delete(conn: Connection, subscription_id: str) -> None:
    get(conn, subscription_id)
    conn.execute("delete from events.subscription where subscription_id = ?", [subscription_id])


def move_cursor(conn: Connection, sub: Subscription, delivered_seq: int, attempts: int,
                next_attempt_at: datetime | None) -> None:
    conn.execute("update events.subscription set delivered_seq = ?, attempts = ?, "
                 "next_attempt_at = ? where subscription_id = ?",
                 [delivered_seq, attempts, next_attempt_at, sub.subscription_id])
    sub.delivered_seq, sub.attempts, sub.next_attempt_at = delivered_seq, attempts, \
        next_attempt_at


def dead_letters(conn: Connection) -> list[tuple]:
    """(subscription, seq, event id, attempts, last error, when) not replayed yet."""
    return conn.fetchall("select subscription_id, seq, event_id, attempts, last_error, dead_at "
                         "from events.dead_letter where replayed_at is null "
                         "order by subscription_id, seq")


def replay(conn: Connection, subscription_id: str, from_seq: int) -> int:
    """Send again every event of the subscription from `from_seq` on (the receiver
    drops repeats by event id); the dead letters among them are marked replayed. How
    many dead letters that covers."""
    sub = get(conn, subscription_id)
    with conn.transaction():
        covered = int(conn.scalar(
            "select count(*) from events.dead_letter where subscription_id = ? and seq >= ? "
            "and replayed_at is null", [subscription_id, from_seq]))
        conn.execute("update events.dead_letter set replayed_at = ? where subscription_id = ? "
                     "and seq >= ? and replayed_at is null", [now(), subscription_id, from_seq])
        move_cursor(conn, sub, max(from_seq - 1, 0), 0, None)
    return covered
