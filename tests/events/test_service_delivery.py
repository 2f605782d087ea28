"""Who delivers the change feed when `ecif serve` runs (ecif.service.deliveries): on
DuckDB the service itself, on its live database, with no hand-over of its file; `ecif
dispatch` then leaves the events to it; a run pauses the deliveries and each event
still arrives once. On PostgreSQL the service delivers nothing: `ecif dispatch` does,
beside it."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ecif.events import outbox
from ecif.events.dispatcher import Policy, dispatch_once
from ecif.run_lock import exclusive, lock_file
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from ecif.warehouse import Warehouse
from tests.events.receiver import Receiver
from tests.events.test_dispatch import EVENTS, SECRET, assert_in_order, fill, readme_verify
from tests.service.service_process import wait_until

ECIF = str(Path(sys.executable).with_name("ecif"))
SERVICE_SECRET = "a-service-secret-of-at-least-thirty-two-bytes"
DELIVERY = Policy(timeout=5, poll=0.2)
WAIT = 60.0                 # seconds any expected delivery or answer may take at most


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.stop()


@contextmanager
def service(warehouse: Warehouse) -> Iterator[FastAPI]:
    """The service running (its lifespan started: hand-over channel and deliveries)."""
    app = create_app(ServiceConfig(warehouse, SERVICE_SECRET, reader=None, delivery=DELIVERY))
    with TestClient(app):
        yield app


def stored_ids(warehouse: Warehouse) -> list[str]:
    with warehouse.connect() as conn:
        return [r[0] for r in conn.fetchall(
            "select event_id from events.customer_change order by seq")]


def assert_no_hand_over(warehouse: Warehouse) -> None:
    """Nothing took the warehouse lock (whose holder makes the service hand its file
    over), and no hand-over was replayed."""
    assert not lock_file(warehouse).exists()
    with warehouse.connect() as conn:
        assert not conn.table_exists("ops", "hand_over_replayed")


def test_the_service_delivers_on_duckdb_only(warehouse, receiver):
    receiver.start()
    fill(warehouse, receiver.url)
    with service(warehouse):
        if warehouse.kind == "duckdb":
            wait_until(lambda: len(receiver.requests) >= EVENTS, "the service delivered")
        else:
            time.sleep(10 * DELIVERY.poll)      # rounds it would have made
            assert receiver.requests == []
            assert dispatch_once(warehouse, DELIVERY).delivered == EVENTS   # beside it
        ids = stored_ids(warehouse)
        time.sleep(5 * DELIVERY.poll)           # more rounds: nothing twice
        assert [e["id"] for e in receiver.events()] == ids and len(ids) == EVENTS
        if warehouse.kind == "duckdb":
            assert_no_hand_over(warehouse)
    assert_in_order(receiver.events())
    verify = readme_verify()
    assert all(verify(SECRET, r.body, r.headers["ECIF-Signature"]) for r in receiver.requests)


def first_line(process: subprocess.Popen) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=WAIT)
    except queue.Empty:
        raise AssertionError("the dispatcher said nothing") from None


def test_ecif_dispatch_leaves_the_events_to_a_running_service(duckdb_warehouse, receiver):
    receiver.start()
    fill(duckdb_warehouse, receiver.url)
    dispatch = [ECIF, "dispatch", "--warehouse", duckdb_warehouse.url]
    with service(duckdb_warehouse):
        wait_until(lambda: len(receiver.requests) >= EVENTS, "the service delivered")
        once = subprocess.run([*dispatch, "--once"], capture_output=True, text=True,
                              timeout=WAIT)
        assert once.returncode == 0, once.stdout + once.stderr
        assert once.stdout.strip().splitlines() == [
            f"the service serving {duckdb_warehouse.duckdb_path} (pid {os.getpid()}) "
            "delivers the change events; ecif dispatch leaves them to it"]
        forever = subprocess.Popen(dispatch, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        try:
            said = first_line(forever)
            assert said.startswith("the service serving") and "waiting while it runs" in said
            assert forever.poll() is None               # idle, not gone
        finally:
            forever.kill()
            forever.wait()
        assert_no_hand_over(duckdb_warehouse)
        assert len(receiver.requests) == EVENTS
    # the service stopped: the dispatcher delivers again (its round under the lock)
    with duckdb_warehouse.connect() as conn, conn.transaction():
        outbox.append(conn, [outbox.Change("UPDATED", "P0000000001", ["name"], {})],
                      "R000002", "20260102")
    again = subprocess.run([*dispatch, "--once"], capture_output=True, text=True, timeout=WAIT)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "delivered 1," in again.stdout and "service" not in again.stdout
    assert [e["id"] for e in receiver.events()] == stored_ids(duckdb_warehouse)


def test_deliveries_pause_during_a_run_and_each_event_arrives_once(duckdb_warehouse,
                                                                   receiver):
    receiver.hold_nth = 1       # the first event is in flight when the run comes
    receiver.start()
    fill(duckdb_warehouse, receiver.url)
    with service(duckdb_warehouse) as app:
        hand_over, deliveries = app.state.hand_over, app.state.deliveries
        assert receiver.arrived.wait(WAIT), "the service did not deliver"
        with exclusive(duckdb_warehouse, "a test's run"):
            # what the run's process asks on the channel (the service's own thread does it)
            stepping = threading.Thread(target=hand_over.step_aside)
            stepping.start()
            wait_until(lambda: deliveries.paused, "the hand-over asked for the pause")
            assert not hand_over.during_run     # it waits for the event in flight
            receiver.release.set()
            stepping.join(WAIT)
            assert hand_over.during_run and not stepping.is_alive()
            run = duckdb_warehouse.open_duckdb(duckdb_warehouse.duckdb_path)
            try:                                # the run publishes events of its own
                with run.transaction():
                    outbox.append(run, [outbox.Change("UPDATED", "P0000000002", ["mobile"],
                                                      {}) for _ in range(3)],
                                  "R000002", "20260102")
            finally:
                run.close()
            time.sleep(10 * DELIVERY.poll)      # rounds it would have made
            assert len(receiver.requests) == 1
        wait_until(lambda: not hand_over.during_run, "the service took the warehouse back")
        wait_until(lambda: len(receiver.requests) >= EVENTS + 3, "delivered after the run")
        time.sleep(5 * DELIVERY.poll)           # more rounds: nothing twice
        ids = stored_ids(duckdb_warehouse)
        assert len(ids) == EVENTS + 3
        assert [e["id"] for e in receiver.events()] == ids
