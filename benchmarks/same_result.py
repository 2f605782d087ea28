"""Whether night-by-night runs published what one run from scratch publishes.

A fresh warehouse numbers its parties in one go, so its party ids are other labels
for the same parties (ids stay stable within one warehouse: `ecif run --full` there
keeps them). The comparison therefore maps each party to the one with exactly the
same source records (its partition in `marts.customer_xref`), then compares every
mart row by row with the ids mapped, leaving out the columns that record when or in
which run a row was written.
"""

from __future__ import annotations

import re

from ecif.warehouse import Warehouse

PARTY_ID = re.compile(r"\b[PO]\d{10}\b")
WHEN_WRITTEN = ("_at", "run_id", "updated", "loaded", "as_of", "dbt_")


def _rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def _partitions(warehouse: Warehouse) -> dict[str, frozenset]:
    records: dict[str, set] = {}
    for party_id, *record in _rows(warehouse, "select party_id, source_system, "
                                              "source_entity, source_key from marts.customer_xref"):
        records.setdefault(party_id, set()).add(tuple(record))
    return {party_id: frozenset(found) for party_id, found in records.items()}


def compare(nightly: Warehouse, scratch: Warehouse) -> list[str]:
    """One line per finding: the partitions, then each mart (equal, or what differs)."""
    ours, theirs = _partitions(nightly), _partitions(scratch)
    by_records = {records: party_id for party_id, records in theirs.items()}
    same = set(ours.values()) == set(theirs.values())
    relabel = {party_id: by_records.get(records, party_id) for party_id, records in ours.items()}
    lines = [f"partitions: {len(ours):,} parties, "
             + ("the same" if same else
                f"{len(set(ours.values()) - set(theirs.values())):,} differ")]
    tables = [name for (name,) in _rows(nightly, "select table_name from "
                                                 "information_schema.tables where table_schema "
                                                 "= 'marts' order by 1")]
    for table in tables:
        columns = [name for (name,) in _rows(
            nightly, "select column_name from information_schema.columns where table_schema "
                     f"= 'marts' and table_name = '{table}' order by ordinal_position")
                   if not any(mark in name for mark in WHEN_WRITTEN)]
        sql = f"select {', '.join(columns)} from marts.{table}"
        mapped = sorted(PARTY_ID.sub(lambda found: relabel.get(found[0], found[0]), repr(row))
                        for row in _rows(nightly, sql))
        expected = sorted(repr(row) for row in _rows(scratch, sql))
        lines.append(f"marts.{table}: {len(mapped):,} rows, " + (
            "equal" if mapped == expected else
            f"{len(set(mapped) - set(expected)):,} rows only night by night, "
            f"{len(set(expected) - set(mapped)):,} only from scratch"))
    return lines
