"""`land(..., systems=...)`: the DAG lands each system in its own task."""

from __future__ import annotations

from pathlib import Path

from ecif.landing.loader import land
from ecif.warehouse import Warehouse
from tests.landing.landing_files import customer, deliver

D1 = "20240301"


def test_a_system_lands_alone_and_the_others_later(duckdb_warehouse: Warehouse,
                                                   tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1")], extract_type="FULL")
    deliver(tmp_path, "finance", "payout", D1, [{"payout_no": "P1", "op": "I"}],
            extract_type="FULL")
    only_core = land(duckdb_warehouse, tmp_path, systems=["core"])
    assert [b.batch_id for b in only_core.loaded] == [f"core__customer__{D1}"]
    assert not only_core.skipped and not only_core.waiting
    rest = land(duckdb_warehouse, tmp_path, systems=["finance"])
    assert [b.batch_id for b in rest.loaded] == [f"finance__payout__{D1}"]
    everything = land(duckdb_warehouse, tmp_path)
    assert not everything.loaded and len(everything.skipped) == 2
