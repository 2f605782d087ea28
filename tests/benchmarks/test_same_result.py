"""The incremental benchmark's comparison: parties of a fresh warehouse are matched by
their source records, so other id labels for the same parties compare equal, and a
different partition or golden value does not."""

from __future__ import annotations

from benchmarks.same_result import compare
from ecif.warehouse import Warehouse


def published(warehouse: Warehouse, xref: list[tuple], customers: list[tuple]) -> Warehouse:
    with warehouse.connect() as conn:
        conn.execute("create schema if not exists marts")
        conn.execute("create table marts.customer_xref (party_id text, source_system text, "
                     "source_entity text, source_key text, updated_at timestamp)")
        conn.execute("create table marts.customer (party_id text, name text, "
                     "loaded_at timestamp)")
        for row in xref:
            conn.execute("insert into marts.customer_xref values (?, 'core', 'customer', ?, "
                         "now())", list(row))
        for row in customers:
            conn.execute("insert into marts.customer values (?, ?, now())", list(row))
    return warehouse


def test_other_labels_for_the_same_parties_compare_equal(tmp_path):
    nightly = published(Warehouse(f"duckdb:///{tmp_path / 'a.duckdb'}"),
                        [("P0000000001", "C1"), ("P0000000001", "C2"), ("P0000000003", "C3")],
                        [("P0000000001", "张伟"), ("P0000000003", "李娜")])
    scratch = published(Warehouse(f"duckdb:///{tmp_path / 'b.duckdb'}"),
                        [("P0000000002", "C1"), ("P0000000002", "C2"), ("P0000000001", "C3")],
                        [("P0000000002", "张伟"), ("P0000000001", "李娜")])
    assert compare(nightly, scratch) == ["partitions: 2 parties, the same",
                                         "marts.customer: 2 rows, equal",
                                         "marts.customer_xref: 3 rows, equal"]


def test_a_different_partition_and_a_different_value_are_reported(tmp_path):
    nightly = published(Warehouse(f"duckdb:///{tmp_path / 'a.duckdb'}"),
                        [("P0000000001", "C1"), ("P0000000001", "C2")],
                        [("P0000000001", "张伟")])
    scratch = published(Warehouse(f"duckdb:///{tmp_path / 'b.duckdb'}"),
                        [("P0000000001", "C1"), ("P0000000002", "C2")],
                        [("P0000000001", "张伟"), ("P0000000002", "张伟")])
    lines = compare(nightly, scratch)
    assert lines[0] == "partitions: 1 parties, 1 differ"
    assert lines[1] == "marts.customer: 1 rows, 0 rows only night by night, 1 only from scratch"
