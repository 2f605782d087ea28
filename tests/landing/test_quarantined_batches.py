"""The loader and a quarantined batch (ecif.quarantine): the same file again is skipped,
a new version is its corrected re-delivery (no re-run asked), loaded in its place, and
the system's other batches held for that date are lifted with it."""

from __future__ import annotations

from pathlib import Path

from ecif.landing.loader import land
from ecif.warehouse import Warehouse
from tests.landing.landing_files import customer, deliver

D1 = "20240301"


def fetch(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def quarantine(warehouse: Warehouse) -> None:
    with warehouse.connect() as conn:
        conn.execute("update raw.landing_batch set status = 'QUARANTINED'")


def test_a_held_file_is_skipped_and_its_new_version_replaces_it(warehouse: Warehouse,
                                                                   tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1"), customer("C2")],
            extract_type="FULL")
    deliver(tmp_path, "core", "policy", D1, [{"policy_no": "P1", "op": "I"}],
            extract_type="FULL")
    land(warehouse, tmp_path)
    quarantine(warehouse)
    again = land(warehouse, tmp_path)
    assert not again.loaded and not again.rejected and len(again.skipped) == 2
    assert fetch(warehouse, "select count(*) from raw.core__customer") == [(2,)]

    deliver(tmp_path, "core", "customer", D1, [customer("C1"), customer("C3")],
            extract_type="FULL")
    corrected = land(warehouse, tmp_path)
    assert not corrected.rejected
    assert [(b.batch_id, b.replaced) for b in corrected.loaded] == [
        (f"core__customer__{D1}", True)]
    assert fetch(warehouse, "select cust_no from raw.core__customer order by cust_no") == [
        ("C1",), ("C3",)]
    # the policy file of the same date, held with it, is judged again with it
    assert fetch(warehouse, "select batch_id, status from raw.landing_batch "
                            "order by batch_id") == [
        (f"core__customer__{D1}", "LOADED"), (f"core__policy__{D1}", "LOADED")]
