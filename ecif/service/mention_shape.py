"""Mentions shaped for comparison exactly as the nightly run shapes them, with
matching.mentions' own shaping SQL: run by DuckDB over the live mentions when the
service reads them (ecif.service.live_mentions), and compiled to Python
(ecif.service.sql_python) for each incoming record, since running it in DuckDB for
one row costs 3–6 ms. Should that SQL come to use something the compiler does not
know, the record is shaped by DuckDB instead: slower, never different."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

import duckdb
import pyarrow as pa

from ecif.service.model_score import pair_model
from ecif.service.sql_python import UnsupportedSql, compile_select, parse
from matching.mentions import SHAPE, local_duckdb
from matching.person_model import CORROBORATING_COLUMNS
from matching.training import MODEL_FILES

Mention = dict[str, Any]
# what identification itself reads besides the models: its strong keys (an
# organization's code); a different valid ID of the same type is never a match; a
# score merges only when an ID number or a mobile corroborates it
# (matching.person_model.CORROBORATED)
GATE = frozenset({"party_type", "strong_key", "org_code", "valid_id_type", "valid_id_no",
                  *CORROBORATING_COLUMNS})
log = logging.getLogger(__name__)
_opening = threading.Lock()


@cache
def compared_columns() -> frozenset[str]:
    """The shaped columns identification reads: the models' and the gate's."""
    return GATE.union(*(pair_model(path).columns for path in MODEL_FILES.values()))


def shaped_select(extra: str = "") -> str:
    """The shaped, compared columns (and `extra` SQL over the raw mention `raw`) of
    table `raw_mentions` (party_id and int_party_mention's columns), in uid order."""
    compared = ", ".join(f"shaped.{c}" for c in sorted(compared_columns()))
    return (f"with shaped as ({SHAPE}) select raw.party_id, {compared}{extra} "
            "from raw_mentions as raw join shaped using (mention_id) order by shaped.uid")


def shape(raw: Mention, schema: pa.Schema) -> Mention:
    """One raw mention (int_party_mention's columns, typed as `schema`), shaped."""
    compiled = compiled_shape()
    return compiled(raw) if compiled else shape_in_duckdb(raw, schema)


@cache
def compiled_shape() -> Callable[[Mention], Mention] | None:
    """The shaping SQL as a Python function of one raw mention; None if it uses
    something ecif.service.sql_python cannot evaluate."""
    try:
        return compile_select(parse(SHAPE), sorted(compared_columns()))
    except UnsupportedSql as problem:
        log.warning("identification shapes records in DuckDB (slower): %s", problem)
        return None


def shape_in_duckdb(raw: Mention, schema: pa.Schema) -> Mention:
    with _opening:      # cursor() on one DuckDB connection from many threads
        cursor = _local().cursor()
    try:
        cursor.register("raw_mentions", pa.Table.from_pylist([raw], schema=schema))
        cursor.execute(shaped_select())
        names = [d[0] for d in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    finally:
        cursor.close()
    del row["party_id"]
    return row


@cache
def _local() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for the process: creating one costs ~15 ms, a cursor ~0."""
    return local_duckdb()
