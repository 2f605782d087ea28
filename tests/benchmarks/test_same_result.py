"""The incremental benchmark's comparison: parties of a fresh warehouse are named by
their source records, so other id labels for the same parties (and the orders and
names they give suspect pairs, review tasks and suspect groups) compare equal, and a
different partition or golden value does not."""

from __future__ import annotations

from benchmarks.same_result import compare
from ecif.warehouse import Warehouse


def published(warehouse: Warehouse, xref: list[tuple], customers: list[tuple],
              pairs: list[tuple] = (), groups: list[tuple] = ()) -> Warehouse:
    with warehouse.connect() as conn:
        conn.execute("create schema if not exists marts")
        conn.execute("create table marts.customer_xref (party_id text, source_system text, "
                     "source_entity text, source_key text, source_role text, "
                     "updated_at timestamp)")
        conn.execute("create table marts.customer (party_id text, name text, "
                     "loaded_at timestamp)")
        conn.execute("create table marts.person_suspect (party_id_a text, party_id_b text, "
                     "review_task_id text)")
        conn.execute("create table marts.suspect_group_member (suspect_group_id text, "
                     "party_id text)")
        for party_id, key in xref:
            # one case, two roles: the same key names two parties apart by their role
            conn.execute("insert into marts.customer_xref values (?, 'uw', 'uw_case', ?, ?, "
                         "now())", [party_id, key.split("/")[0], key.split("/")[1]])
        for row in customers:
            conn.execute("insert into marts.customer values (?, ?, now())", list(row))
        for a, b in pairs:
            conn.execute("insert into marts.person_suspect values (?, ?, ?)", [a, b, f"{a}+{b}"])
        for group, party_id in groups:
            conn.execute("insert into marts.suspect_group_member values (?, ?)",
                         [group, party_id])
    return warehouse


def test_other_labels_for_the_same_parties_compare_equal(tmp_path):
    nightly = published(
        Warehouse(f"duckdb:///{tmp_path / 'a.duckdb'}"),
        [("P0000000001", "U1/applicant"), ("P0000000001", "U2/applicant"),
         ("P0000000003", "U1/insured"), ("O0000000004", "U3/applicant"),
         ("O0000000005", "U4/applicant")],
        [("P0000000001", "张伟"), ("P0000000003", "李娜")],
        pairs=[("P0000000001", "P0000000003")],
        groups=[("SG-O0000000004", "O0000000004"), ("SG-O0000000004", "O0000000005")])
    scratch = published(
        Warehouse(f"duckdb:///{tmp_path / 'b.duckdb'}"),
        [("P0000000002", "U1/applicant"), ("P0000000002", "U2/applicant"),
         ("P0000000001", "U1/insured"), ("O0000000007", "U3/applicant"),
         ("O0000000006", "U4/applicant")],
        [("P0000000002", "张伟"), ("P0000000001", "李娜")],
        pairs=[("P0000000001", "P0000000002")],
        groups=[("SG-O0000000006", "O0000000007"), ("SG-O0000000006", "O0000000006")])
    assert compare(nightly, scratch) == ["parties: 4, the same source records",
                                         "marts.customer: 2 rows, equal",
                                         "marts.customer_xref: 5 rows, equal",
                                         "marts.person_suspect: 1 rows, equal",
                                         "marts.suspect_group_member: 2 rows, equal"]


def test_a_different_partition_and_a_different_value_are_reported(tmp_path):
    nightly = published(Warehouse(f"duckdb:///{tmp_path / 'a.duckdb'}"),
                        [("P0000000001", "U1/insured"), ("P0000000001", "U2/insured")],
                        [("P0000000001", "张伟")])
    scratch = published(Warehouse(f"duckdb:///{tmp_path / 'b.duckdb'}"),
                        [("P0000000001", "U1/insured"), ("P0000000002", "U2/insured")],
                        [("P0000000001", "张伟"), ("P0000000002", "张薇")])
    lines = compare(nightly, scratch)
    assert lines[:3] == [
        "parties: 1, 1 named by one warehouse only",
        "marts.customer: 1 rows, 0 rows only night by night, 1 only from scratch",
        "marts.customer_xref: 2 rows, 1 rows only night by night, 1 only from scratch"]
