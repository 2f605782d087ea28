"""Whether night-by-night runs published what one run from scratch publishes.

A fresh warehouse numbers its parties in one go, so its party ids are other labels
for the same parties (ids stay stable within one warehouse: `ecif run --full` there
keeps them). The comparison therefore names each party, in both warehouses, by its
smallest source record (system, entity, key and role, from `marts.customer_xref`),
then compares every mart row by row under those names, leaving out the columns that
record when or in which run a row was written. What the ids order or name is put in
an order of its own too: a suspect pair, a review task (parties joined by `+`) and an
organization suspect group (named after its smallest member id) by their members.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ecif.warehouse import Warehouse

PARTY_ID = re.compile(r"\b[PO]\d{10}\b")
WHEN_WRITTEN = ("_at", "run_id", "updated", "loaded", "as_of", "dbt_")


def _rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def _names(warehouse: Warehouse) -> dict[str, str]:
    """party id → its smallest source record."""
    records: dict[str, list[str]] = defaultdict(list)
    for party_id, *record in _rows(warehouse, "select party_id, source_system, source_entity, "
                                              "source_key, source_role from marts.customer_xref"):
        records[party_id].append("|".join(map(str, record)))
    return {party_id: f"<{min(found)}>" for party_id, found in records.items()}


def _published(warehouse: Warehouse, table: str, columns: list[str],
               names: dict[str, str]) -> list[str]:
    rows = []
    for row in _rows(warehouse, f"select {', '.join(columns)} from marts.{table}"):
        named = dict(zip(columns, (PARTY_ID.sub(lambda found: names.get(found[0], found[0]),
                                                value) if isinstance(value, str) else value
                                   for value in row), strict=True))
        if "party_id_a" in named:
            named["party_id_a"], named["party_id_b"] = sorted(
                (named["party_id_a"], named["party_id_b"]))
        if "review_task_id" in named:
            named["review_task_id"] = "+".join(sorted(named["review_task_id"].split("+")))
        rows.append(named)
    if "suspect_group_id" in columns:
        members: dict[str, list[str]] = defaultdict(list)
        for named in rows:
            members[named["suspect_group_id"]].append(named["party_id"])
        for named in rows:
            named["suspect_group_id"] = "+".join(sorted(members[named["suspect_group_id"]]))
    return sorted(repr(sorted(named.items())) for named in rows)


def compare(nightly: Warehouse, scratch: Warehouse) -> list[str]:
    """One line per finding: the parties, then each mart (equal, or what differs)."""
    ours, theirs = _names(nightly), _names(scratch)
    lines = [f"parties: {len(ours):,}, " + (
        "the same source records" if sorted(ours.values()) == sorted(theirs.values()) else
        f"{len(set(ours.values()) ^ set(theirs.values())):,} named by one warehouse only")]
    tables = [name for (name,) in _rows(nightly, "select table_name from "
                                                 "information_schema.tables where table_schema "
                                                 "= 'marts' order by 1")]
    for table in tables:
        columns = [name for (name,) in _rows(
            nightly, "select column_name from information_schema.columns where table_schema "
                     f"= 'marts' and table_name = '{table}' order by ordinal_position")
                   if not any(mark in name for mark in WHEN_WRITTEN)]
        mine = _published(nightly, table, columns, ours)
        expected = _published(scratch, table, columns, theirs)
        lines.append(f"marts.{table}: {len(mine):,} rows, " + (
            "equal" if mine == expected else
            f"{len(set(mine) - set(expected)):,} rows only night by night, "
            f"{len(set(expected) - set(mine)):,} only from scratch"))
    return lines
