"""The live party mentions, held in the service's memory and found by key in
microseconds, for identification.

Identification needs the mentions sharing an ID number, a mobile or a name with the
incoming record. The published mentions, `serving.mention_party`, have no index on
these (3.7 million rows at a million customers: every scan costs tens of milliseconds)
and cannot have one on DuckDB, where an index forbids the `ALTER TABLE … RENAME` of
dbt's table rebuild. So the service reads the table once, shaped by DuckDB exactly as
the nightly run shapes mentions, keeps the party id and the compared columns only
(~200 bytes a mention), and sorts each lookup key: a lookup is a binary search, on
either engine. Nothing is written back, so no further copy of personal data lives in
the warehouse.

Freshness: the view remembers which tables it was read from (their catalog oids) and
is read again when a rebuild (nightly run, `ecif rebuild` after steward decisions) has
replaced them: every build of the marts builds the serving tables anew. The catalog
query costs about as much as the rest of an identification, so it is asked at most
every FRESHNESS seconds: for that long after a rebuild, an identification may still
answer from the mentions as they were before it.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecif.service.mention_shape import Mention, shaped_select
from ecif.warehouse import Connection
from matching.mentions import COLUMNS, cast_pg_text, fetch_arrow, local_duckdb

SOURCES = ("mention_party", "name_pinyin")     # in the serving schema
FRESHNESS = 1.0     # seconds
# lookup key → its SQL over the raw mention (`raw`, serving.mention_party's columns)
KEYS = {
    "id_no": "raw.id_no",
    "mobile": "case when raw.mobile_valid and raw.mobile_informative then raw.mobile end",
    "name_std": "raw.name_std",
    # the strong rule: party type, ID type, an informative ID number and (persons)
    # the name's pinyin key, as matching.mentions builds it
    "strong_key": "shaped.strong_key",
    # the same informative ID under any name (the type as the nightly run reads it:
    # a household register's resident ID number is a resident ID)
    "id_key": "case when raw.id_informative "
              "then raw.party_type || ':' || shaped.id_type || ':' || raw.id_no end",
    # an organization's code, inside a USCC or an ORG number
    "org_code": "shaped.org_code",
    # a valid e-mail (identification by e-mail, §4.4)
    "email": "case when raw.email_problem is null then raw.email end",
}
# read besides the compared columns: for the lookup keys only
KEY_COLUMNS = ("email", "email_problem")


class _Sorted:
    """A sorted Arrow string array as a sequence of str, for `bisect`."""

    def __init__(self, values: pa.Array) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, i: int) -> str:
        return self.values[i].as_py()


@dataclass(frozen=True)
class SortedKey:
    values: _Sorted        # the non-null key values, sorted
    rows: np.ndarray       # the row each value belongs to

    @classmethod
    def of(cls, column: pa.ChunkedArray) -> SortedKey:
        present = np.flatnonzero(column.is_valid().to_numpy(zero_copy_only=False))
        values = column.take(present)
        order = pc.sort_indices(values).to_numpy()
        return cls(_Sorted(values.take(order).combine_chunks()), present[order])

    def find(self, value: str) -> np.ndarray:
        start = bisect_left(self.values, value)
        return self.rows[start:bisect_right(self.values, value, start)]


@dataclass(frozen=True)
class LiveMentions:
    source: tuple              # (table, oid) of each table read
    raw_schema: pa.Schema      # the columns as read, for typing an incoming record
    mentions: pa.Table         # party_id + compared columns, one row per mention
    keys: dict[str, SortedKey]
    persons: np.ndarray        # per row: a person's mention (else an organization's)
    names: SortedKey           # int_name_pinyin's names
    pinyin: pa.Array           # their pinyin keys, row for row
    pinyin_alt: pa.Array       # and their keys with the surname read otherwise

    def find(self, key: str, value: Any, party_type: str) -> np.ndarray:
        """The rows of that party type whose `key` equals value, in mention id order."""
        if not value:     # no value, no block (as the nightly blocking rules)
            return np.empty(0, dtype=np.int64)
        found = self.keys[key].find(value)
        return np.sort(found[self.persons[found] == (party_type == "P")])

    def rows(self, positions: np.ndarray) -> list[Mention]:
        return self.mentions.take(positions).to_pylist()

    def pinyin_key(self, name_std: str) -> str | None:
        return self._reading(self.pinyin, name_std)

    def pinyin_key_alt(self, name_std: str) -> str | None:
        return self._reading(self.pinyin_alt, name_std)

    def _reading(self, keys: pa.Array, name_std: str) -> str | None:
        found = self.names.find(name_std)
        return keys[int(found[0])].as_py() if len(found) else None


class LiveMentionsCache:
    """The service's current LiveMentions, read again when its tables were rebuilt."""

    def __init__(self) -> None:
        self._live: LiveMentions | None = None
        self._checked = 0.0         # time.monotonic() of the last catalog check
        self._reading = threading.Lock()

    def current(self, conn: Connection) -> LiveMentions:
        live = self._live
        if live is not None and time.monotonic() - self._checked < FRESHNESS:
            return live
        source = _source(conn)
        if live is None or live.source != source:
            # one request reads; the others wait for its result rather than read too
            with self._reading:
                live = self._live
                if live is None or live.source != source:
                    live = self._live = read(conn, source)
        self._checked = time.monotonic()
        return live

    def reread(self, conn: Connection) -> LiveMentions:
        """Read now, whatever the catalog says (a reopened DuckDB file may give a new
        table an old table's oid); for `install`."""
        return read(conn, _source(conn))

    def install(self, live: LiveMentions | None, conn: Connection) -> None:
        """Serve `live` (the mentions `conn`'s database holds; None: the current ones,
        now read through `conn`, as it is the same data under other oids)."""
        live = live or self._live
        if live is not None:
            self._live = replace(live, source=_source(conn))
            self._checked = time.monotonic()


def _source(conn: Connection) -> tuple:
    if conn.kind == "duckdb":
        sql = ("select table_name, table_oid from duckdb_tables() "
               "where schema_name = 'serving' and table_name in (?, ?) order by 1")
    else:
        sql = ("select c.relname, c.oid from pg_class as c join pg_namespace as n "
               "on n.oid = c.relnamespace where n.nspname = 'serving' "
               "and c.relname in (?, ?) order by 1")
    return tuple(conn.fetchall(sql, list(SOURCES)))


def read(conn: Connection, source: tuple) -> LiveMentions:
    if len(source) != len(SOURCES):
        raise LookupError("identification needs serving.mention_party and name_pinyin: "
                          "run the pipeline (`ecif run`) first")
    raw = fetch_arrow(conn, f"select {', '.join(COLUMNS)}, party_id, {', '.join(KEY_COLUMNS)} "
                             "from serving.mention_party",
                      (*COLUMNS, "party_id", *KEY_COLUMNS))
    if conn.kind != "duckdb":
        raw = cast_pg_text(raw)
    local = local_duckdb()
    try:
        local.register("raw_mentions", raw)
        keys = "".join(f", {sql} as key_{name}" for name, sql in KEYS.items())
        table = local.sql(shaped_select(keys)).to_arrow_table()
    finally:
        local.close()
    lookups = {name: SortedKey.of(table[f"key_{name}"]) for name in KEYS}
    table = table.drop_columns([f"key_{name}" for name in KEYS]).combine_chunks()
    persons = pc.equal(table["party_type"], "P").to_numpy(zero_copy_only=False)
    readings = conn.fetchall("select name_std, pinyin_key, pinyin_key_alt "
                             "from serving.name_pinyin")
    names = pa.chunked_array([pa.array([r[0] for r in readings], pa.string())])
    pinyin = pa.array([r[1] for r in readings], pa.string())
    pinyin_alt = pa.array([r[2] for r in readings], pa.string())
    return LiveMentions(source, raw.schema, table, lookups, persons, SortedKey.of(names),
                        pinyin, pinyin_alt)
