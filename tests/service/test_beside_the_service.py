"""The commands that open the warehouse outside a run work beside a running service:
on DuckDB they hold the warehouse lock for their time (ecif.run_lock.beside_the_service),
the service serving its copy meanwhile and taking the file back after, with what they
wrote; with no service, and on PostgreSQL, they take no lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.events import outbox, subscriptions
from ecif.events.dispatcher import Policy, dispatch_once
from ecif.run_lock import exclusive
from ecif.warehouse import Warehouse
from tests.events.receiver import Receiver
from tests.service.conftest import PASSWORD, Owned
from tests.service.service_process import WAIT, bearer, serving, wait_until

runner = CliRunner()


def ecif(warehouse: Warehouse, *args: str, stdin: str | None = None) -> str:
    """`ecif ARGS --warehouse W`, in this process; what it printed (it succeeded), its
    lines and wrapping undone."""
    done = runner.invoke(app, [*args, "--warehouse", warehouse.url], input=stdin)
    assert done.exit_code == 0, done.output
    return " ".join(done.output.split())


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.stop()


def dead_letters(warehouse: Warehouse, url: str) -> tuple[str, int, list[str]]:
    """A subscription whose three events were dead-lettered (its receiver down), the
    first one's seq and their ids."""
    with warehouse.connect() as conn:
        subscriptions.ensure_tables(conn)
        sub = subscriptions.create(conn, url, [], "a-webhook-secret-for-tests", "system",
                                   "tester").subscription_id
        with conn.transaction():
            outbox.append(conn, [outbox.Change(
                "UPDATED", "P0000000001", ["mobile"],
                {"customer": {"name": "张三", "mobile": f"1380000{i:04d}"}})
                for i in range(3)], "R000099", "20261104")
        events = conn.fetchall(f"select seq, event_id from {outbox.TABLE} "
                               "order by seq desc limit 3")[::-1]
    assert dispatch_once(warehouse, Policy(timeout=2, max_attempts=1)).dead_lettered == 3
    return sub, events[0][0], [event_id for _, event_id in events]


def test_steward_and_events_commands_work_while_the_duckdb_service_runs(
        service_warehouse, parties, receiver, tmp_path, monkeypatch):
    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))
    monkeypatch.setenv("ECIF_TOKEN_FILE", str(tmp_path / "tokens.json"))
    warehouse = service_warehouse
    sub, first, ids = dead_letters(warehouse, receiver.url)
    receiver.start()
    with serving(warehouse, tmp_path / "service.log") as http:
        commands_beside(warehouse, http, parties, receiver, sub, first, ids)


def commands_beside(warehouse: Warehouse, http: httpx.Client, parties: Owned,
                    receiver: Receiver, sub: str, first: int, ids: list[str]) -> None:

    # before any command: logins then wait
    steward, agent = bearer(http, "stew"), bearer(http, "ag1")

    def answering() -> None:
        assert http.get("/health").status_code == 200
        assert http.get(f"/v1/customers/{parties.agent1_party}",
                        headers=agent).status_code == 200

    ecif(warehouse, "login", "--user", "stew", "--password-stdin", stdin=PASSWORD + "\n")
    made = ecif(warehouse, "steward", "merge", parties.agent0_party, parties.agent1_party,
                "--reason", "same person, beside the service")
    request_id = int(made.split()[1])
    assert f"{request_id} MERGE by stew" in ecif(warehouse, "steward", "tasks")
    answering()
    assert ecif(warehouse, "events", "dead-letters").endswith("3 dead letter(s)")
    assert "(3 dead letter(s) among them)" in ecif(
        warehouse, "events", "replay", "--subscription", sub, "--from", str(first))
    answering()

    # the service took the file back with the commands' writes: it shows the request
    # and delivers the replayed events
    def shown() -> bool:
        return http.get(f"/v1/requests/{request_id}", headers=steward).status_code == 200
    wait_until(shown, "the service did not show the request made beside it")
    assert http.get(f"/v1/requests/{request_id}", headers=steward).json()["requested_by"] \
        == "stew"
    wait_until(lambda: len(receiver.requests) >= 3, "the replayed events were not delivered")
    assert [e.event["id"] for e in receiver.requests] == ids
    assert ecif(warehouse, "events", "dead-letters").endswith("0 dead letter(s)")
    answering()


def test_without_a_service_a_command_takes_no_lock(warehouse, monkeypatch, tmp_path):
    """A run holding the lock (no service): the command does not wait for it (on
    PostgreSQL it never does; on DuckDB it opens the file itself)."""
    monkeypatch.setenv("ECIF_LOCK_WAIT", "0")
    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))
    held, done = threading.Event(), threading.Event()

    def a_run() -> None:
        with exclusive(warehouse, "a test's run"):
            held.set()
            done.wait(WAIT)
    run = threading.Thread(target=a_run)
    run.start()
    try:
        assert held.wait(WAIT)
        assert ecif(warehouse, "exceptions", "list").endswith("0 exception(s)")
    finally:
        done.set()
        run.join()
