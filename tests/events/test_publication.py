"""The events of a publication, on small hand-made marts (both engines): each type
from a diff of two publications, a rerun writes nothing, a failed publication writes
nothing, an erasure scrubs the earlier events, a party identification created is
announced once."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ecif.events import changes, outbox
from ecif.warehouse import Connection, Warehouse

# party → (name, id_no, mobile, status); xref key → party
NIGHT1 = {"P1": ("张三", "110101199001011234", "13800000001", "ACTIVE"),
          "P2": ("张三", "110101199001011234", "13800000002", "ACTIVE"),
          "P3": ("李四", "110101198001011234", "13800000003", "ACTIVE"),
          "P5": ("王五", "110101197001011234", "13800000005", "ACTIVE"),
          "P6": ("赵六", "110101196001011234", "13800000006", "ACTIVE")}
XREF1 = {"c1": "P1", "c2": "P2", "c3": "P3", "u3": "P3", "c5": "P5", "c6": "P6"}
# P2 merged into P1, u3 split off P3 as P4, P1's mobile changes, P5 deactivated,
# P6 erased, a new source record t1 joins P5
NIGHT2 = {"P1": ("张三", "110101199001011234", "13900000001", "ACTIVE"),
          "P3": ("李四", "110101198001011234", "13800000003", "ACTIVE"),
          "P4": ("李四", None, "13800000004", "ACTIVE"),
          "P5": ("王五", "110101197001011234", "13800000005", "INACTIVE")}
XREF2 = {"c1": "P1", "c2": "P1", "c3": "P3", "u3": "P4", "c5": "P5", "t1": "P5"}


def set_marts(conn: Connection, parties: dict, xrefs: dict) -> None:
    for schema in ("marts", "serving", "stewardship"):
        conn.execute(f"create schema if not exists {schema}")
    conn.execute("drop table if exists marts.customer")
    conn.execute("create table marts.customer (party_id text, party_type text, name text, "
                 "id_type text, id_no text, gender text, birth_date date, mobile text, "
                 "status text)")
    for party, (name, id_no, mobile, status) in parties.items():
        conn.execute("insert into marts.customer values (?, 'P', ?, 'RID', ?, 'M', ?, ?, ?)",
                     [party, name, id_no, date(1990, 1, 1), mobile, status])
    conn.execute("drop table if exists marts.customer_xref")
    conn.execute("create table marts.customer_xref (source_system text, source_entity text, "
                 "source_key text, source_role text, party_id text)")
    for key, party in xrefs.items():
        conn.execute("insert into marts.customer_xref values ('core', 'customer', ?, "
                     "'customer', ?)", [key, party])
    conn.execute("drop table if exists serving.as_of")
    conn.execute("create table serving.as_of as select cast('20260102' as text) as business_date")
    conn.execute("create table if not exists stewardship.audit_log (action text, "
                 "party_id text)")


def events(conn: Connection) -> list[dict]:
    return outbox.read(conn, 0, 1000)


def kinds(found: list[dict]) -> list[tuple]:
    return sorted((e["event_type"], e["party_id"]) for e in found)


@pytest.fixture
def published(warehouse: Warehouse) -> Connection:
    conn = warehouse.connect()
    set_marts(conn, NIGHT1, XREF1)
    assert changes.publish(conn, "R000001") == len(NIGHT1)
    yield conn
    conn.close()


def test_the_first_publication_announces_every_party_once(published):
    found = events(published)
    assert kinds(found) == [("CREATED", p) for p in sorted(NIGHT1)]
    assert [e["seq"] for e in found] == list(range(1, len(NIGHT1) + 1))
    assert found[0]["payload"]["customer"]["mobile"] == NIGHT1[found[0]["party_id"]][2]
    assert {e["run_id"] for e in found} == {"R000001"}
    assert {e["business_date"] for e in found} == {"20260102"}
    assert changes.publish(published, "R000002") == 0          # a rerun: nothing new


def test_the_next_publication_tells_each_change(published, monkeypatch):
    monkeypatch.setattr(outbox, "BULK", 2)      # a night's many events go in bulk
    set_marts(published, NIGHT2, XREF2)
    published.execute("insert into stewardship.audit_log values ('ERASED', 'P6')")
    written = changes.publish(published, "R000002")
    found = [e for e in events(published) if e["run_id"] == "R000002"]
    assert len(found) == written
    assert kinds(found) == sorted([
        ("UPDATED", "P1"), ("MERGED", "P1"), ("XREF_ADDED", "P1"), ("CREATED", "P4"),
        ("SPLIT", "P3"), ("XREF_REMOVED", "P3"), ("DEACTIVATED", "P5"), ("XREF_ADDED", "P5"),
        ("ERASED", "P6")])
    by_kind = {(e["event_type"], e["party_id"]): e for e in found}
    assert by_kind[("UPDATED", "P1")]["changed_fields"] == ["mobile"]
    assert by_kind[("UPDATED", "P1")]["payload"]["customer"]["mobile"] == "13900000001"
    assert by_kind[("MERGED", "P1")]["payload"]["absorbed"] == ["P2"]
    assert by_kind[("SPLIT", "P3")]["payload"]["created"] == ["P4"]
    assert by_kind[("XREF_REMOVED", "P3")]["payload"]["xref"]["source_key"] == "u3"
    assert by_kind[("XREF_ADDED", "P5")]["payload"]["xref"]["source_key"] == "t1"
    assert by_kind[("DEACTIVATED", "P5")]["changed_fields"] == ["status"]
    seqs = [e["seq"] for e in events(published)]
    assert seqs == list(range(1, len(seqs) + 1))                 # no gap
    # events of one party are consecutive in seq order within a publication
    order = [e["party_id"] for e in found]
    assert order == sorted(order)
    # the erased person's values are gone from every event, the earlier CREATED too
    erased = [e for e in events(published) if e["party_id"] == "P6"]
    assert [e["event_type"] for e in erased] == ["CREATED", "ERASED"]
    stored = published.fetchall("select payload, changed_fields from events.customer_change "
                                "where party_id = 'P6'")
    assert all("赵六" not in p and "13800000006" not in p and "1101011960" not in p
               for p, _ in stored)
    assert all(json.loads(c) == [] for _, c in stored)
    assert published.scalar("select count(*) from events.published_customer "
                            "where party_id = 'P6'") == 0
    assert changes.publish(published, "R000003") == 0


def test_a_failed_publication_writes_no_event(published, monkeypatch):
    set_marts(published, NIGHT2, XREF2)

    def broken(conn, party):
        raise RuntimeError("the disk is full")
    published.execute("insert into stewardship.audit_log values ('ERASED', 'P6')")
    monkeypatch.setattr(changes, "scrub", broken)
    with pytest.raises(RuntimeError):
        changes.publish(published, "R000002")
    assert len(events(published)) == len(NIGHT1)
    assert published.scalar("select next_seq from events.outbox_counter") == len(NIGHT1) + 1
    monkeypatch.undo()
    assert changes.publish(published, "R000002") > 0             # the rerun tells it all
    assert published.scalar("select count(*) from events.customer_change "
                            "where event_type = 'MERGED'") == 1


def test_a_party_identify_created_is_announced_once(published):
    with published.transaction():
        changes.created_by_identify(published, "P7", {
            "party_type": "P", "name": "孙七", "id_type": "RID", "id_no": "110101195001011234",
            "gender": "F", "birth_date": date(1950, 1, 1), "mobile": None, "status": "ACTIVE"})
    created = events(published)[-1]
    assert (created["event_type"], created["party_id"], created["run_id"]) == (
        "CREATED", "P7", "identify")
    assert created["payload"]["customer"]["name"] == "孙七"
    # a night that has not built P7 yet keeps it; the one that does tells what changed
    assert changes.publish(published, "R000002") == 0
    set_marts(published, {**NIGHT1, "P7": ("孙七", "110101195001011234", "13800000007",
                                           "ACTIVE")}, {**XREF1, "m7": "P7"})
    published.execute("update marts.customer set gender = 'F', birth_date = ? "
                      "where party_id = 'P7'", [date(1950, 1, 1)])
    assert changes.publish(published, "R000003") == 2
    updated, attached = events(published)[-2:]
    assert (updated["event_type"], updated["party_id"], updated["changed_fields"]) == (
        "UPDATED", "P7", ["mobile"])
    assert (attached["event_type"], attached["payload"]["xref"]["source_key"]) == (
        "XREF_ADDED", "m7")
    assert not [e for e in events(published) if e["party_id"] == "P7"
                and e["event_type"] == "CREATED" and e["run_id"] != "identify"]


def test_an_approved_erasure_is_told_at_once_and_once(published):
    with published.transaction():
        changes.erased_now(published, "P6", 42)
    told = events(published)[-1]
    assert (told["event_type"], told["party_id"], told["run_id"]) == ("ERASED", "P6",
                                                                      "request:42")
    stored = published.fetchall("select payload from events.customer_change "
                                "where party_id = 'P6'")
    assert all("赵六" not in p and "13800000006" not in p for (p,) in stored)
    set_marts(published, {k: v for k, v in NIGHT1.items() if k != "P6"},
              {k: v for k, v in XREF1.items() if v != "P6"})
    published.execute("insert into stewardship.audit_log values ('ERASED', 'P6')")
    assert changes.publish(published, "R000002") == 0           # not a second time
