"""The dispatcher against a real HTTP receiver on 127.0.0.1, on a hand-filled outbox
(no pipeline build): a receiver down then back, a dispatcher killed mid-delivery,
dead letters and replay, and the README's signature check."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.events import outbox, subscriptions
from ecif.events.dispatcher import Policy, dispatch_once
from ecif.warehouse import Warehouse
from tests.events.receiver import Receiver

SECRET = "a-webhook-secret-for-tests"
PARTIES = ["P0000000001", "P0000000002", "P0000000003"]
EVENTS = 9
README = Path(__file__).parents[2] / "README.md"
runner = CliRunner()
# a nightly: holds the warehouse lock and has the warehouse open for argv[2] seconds
NIGHTLY = """
import sys, time
from ecif.run_lock import exclusive
from ecif.warehouse import Warehouse
warehouse = Warehouse(sys.argv[1])
with exclusive(warehouse, "ecif run"), warehouse.connect():
    print("running", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def fill(warehouse: Warehouse, url: str) -> str:
    """EVENTS events over three parties, interleaved, and one subscription to all."""
    with warehouse.connect() as conn:
        subscriptions.ensure_tables(conn)
        with conn.transaction():
            outbox.append(conn, [outbox.Change(
                "UPDATED", PARTIES[i % 3], ["mobile"],
                {"customer": {"name": "张三", "mobile": f"1380000{i:04d}"}})
                for i in range(EVENTS)], "R000001", "20260101")
        return subscriptions.create(conn, url, [], SECRET, "system", "tester",
                                    after=0).subscription_id


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.stop()


def readme_verify():
    """The verification snippet of README.md, run as a receiver would paste it."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- signature-check.*?```python\n(.*?)```", text, re.DOTALL)
    assert block, "README lost its signature-check snippet"
    scope: dict = {}
    exec(block.group(1), scope)  # noqa: S102 (our own README)
    return scope["verify"]


def assert_in_order(events: list[dict]) -> None:
    """Seq order overall, hence per party."""
    seqs = [int(e["ecifseq"]) for e in events]
    assert seqs == sorted(seqs)
    for party in PARTIES:
        mine = [int(e["ecifseq"]) for e in events if e["subject"] == party]
        assert mine == sorted(mine) and mine


def test_backlog_arrives_in_order_after_the_receiver_was_down(duckdb_warehouse, receiver):
    fill(duckdb_warehouse, receiver.url)
    policy = Policy(backoff=0.0, max_attempts=100, timeout=2)
    for _ in range(3):                              # down: connection refused
        report = dispatch_once(duckdb_warehouse, policy)
        assert (report.delivered, report.failed_attempts) == (0, 1)
    receiver.start()
    report = dispatch_once(duckdb_warehouse, policy)
    assert report.delivered == EVENTS
    events = receiver.events()
    assert [int(e["ecifseq"]) for e in events] == list(range(1, EVENTS + 1))
    assert_in_order(events)
    verify = readme_verify()
    for request in receiver.requests:
        assert request.headers["Content-Type"].startswith("application/cloudevents+json")
        assert verify(SECRET, request.body, request.headers["ECIF-Signature"])
    first = events[0]
    assert first["specversion"] == "1.0" and first["type"] == "cn.ecif.customer.updated"
    assert first["data"]["payload"]["customer"]["mobile"] == "13800000000"
    assert dispatch_once(duckdb_warehouse, policy).delivered == 0    # nothing twice


def test_a_bad_signature_is_rejected_by_the_readme_snippet(duckdb_warehouse, receiver):
    receiver.start()
    fill(duckdb_warehouse, receiver.url)
    dispatch_once(duckdb_warehouse, Policy(timeout=2))
    verify = readme_verify()
    request = receiver.requests[0]
    header = request.headers["ECIF-Signature"]
    assert verify(SECRET, request.body, header)
    tampered = request.body.replace(b"13800000000", b"13900000000")
    assert tampered != request.body
    assert not verify(SECRET, tampered, header)
    assert not verify("another-secret-entirely", request.body, header)
    assert not verify(SECRET, request.body, "sha256=" + "0" * 64)
    assert not verify(SECRET, request.body, "")


def long_running_dispatcher(warehouse: Warehouse) -> subprocess.Popen:
    """What `ecif dispatch` runs, in a process of its own (without the CLI's imports,
    which take seconds on a busy machine)."""
    code = ("import sys; from ecif.events.dispatcher import Policy, dispatch_forever; "
            "from ecif.warehouse import Warehouse; "
            "dispatch_forever(Warehouse(sys.argv[1]), Policy(timeout=30))")
    return subprocess.Popen([sys.executable, "-c", code, warehouse.url],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).parents[2])


def test_a_killed_dispatcher_loses_nothing_and_repeats_with_the_same_id(duckdb_warehouse,
                                                                         receiver):
    receiver.hold_nth = 4
    receiver.start()
    fill(duckdb_warehouse, receiver.url)
    first = long_running_dispatcher(duckdb_warehouse)
    try:
        assert receiver.arrived.wait(60), first.communicate()[0]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    receiver.release.set()
    restarted = runner.invoke(app, ["dispatch", "--once", "--warehouse", duckdb_warehouse.url])
    assert restarted.exit_code == 0, restarted.output
    assert f"delivered {EVENTS - 3}" in restarted.output
    ids = [r.event["id"] for r in receiver.requests]
    with duckdb_warehouse.connect() as conn:
        stored = [r[0] for r in conn.fetchall(
            "select event_id from events.customer_change order by seq")]
    assert len(ids) == EVENTS + 1
    assert ids[3] == ids[4] == stored[3]            # the interrupted one, sent again
    assert list(dict.fromkeys(ids)) == stored       # every event, in order
    assert_in_order(receiver.events())


def test_dead_letters_are_listed_and_replayed(duckdb_warehouse, receiver):
    receiver.status = 500
    receiver.start()
    sub = fill(duckdb_warehouse, receiver.url)
    policy = Policy(backoff=0.0, max_attempts=2, timeout=2)
    dead = 0
    for _ in range(2 * EVENTS):
        dead += dispatch_once(duckdb_warehouse, policy).dead_lettered
    assert dead == EVENTS
    listed = runner.invoke(app, ["events", "dead-letters", "--warehouse",
                                 duckdb_warehouse.url])
    assert listed.exit_code == 0, listed.output
    assert f"{EVENTS} dead letter(s)" in listed.output and sub in listed.output
    receiver.status = 200
    receiver.requests.clear()
    replayed = runner.invoke(app, ["events", "replay", "--subscription", sub, "--from", "4",
                                   "--warehouse", duckdb_warehouse.url])
    assert replayed.exit_code == 0, replayed.output
    assert dispatch_once(duckdb_warehouse, policy).delivered == EVENTS - 3
    assert [int(e["ecifseq"]) for e in receiver.events()] == list(range(4, EVENTS + 1))
    listed = runner.invoke(app, ["events", "dead-letters", "--warehouse",
                                 duckdb_warehouse.url])
    assert "3 dead letter(s)" in listed.output


def test_a_round_during_a_nightly_waits_for_it_on_duckdb_only(warehouse, receiver):
    """On DuckDB the round waits for the run's lock instead of failing on the file the
    run has open; on PostgreSQL it delivers beside the run."""
    fill(warehouse, receiver.url)
    receiver.start()
    nightly = subprocess.Popen([sys.executable, "-c", NIGHTLY, warehouse.url, "4"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert nightly.stdout.readline().strip() == "running"
        started = time.monotonic()
        report = dispatch_once(warehouse, Policy(timeout=2))
        waited = time.monotonic() - started
    finally:
        nightly.kill()
        nightly.wait()
    assert report.delivered == EVENTS
    assert (waited > 2) == (warehouse.kind == "duckdb"), waited
