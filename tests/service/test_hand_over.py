"""The DuckDB hand-over (ecif.service.hand_over) in one process: the test holds
the warehouse lock as a run does, the service serves its copy meanwhile and takes the
warehouse back when the lock is free. (tests/service/test_always_on.py runs it whole,
with `ecif run` in another process; PostgreSQL has no hand-over, hence DuckDB only.)"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ecif.exception_sources import record_service_error
from ecif.exceptions_centre import open_or_bump
from ecif.run_lock import exclusive
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from ecif.warehouse import Warehouse
from tests.service.conftest import PASSWORD, SECRET, login
from tests.service.test_always_on import _person

ROUTE = "GET /v1/a-route"


@pytest.fixture
def served(service_warehouse, parties) -> Iterator[tuple[FastAPI, TestClient]]:
    app = create_app(ServiceConfig(service_warehouse, SECRET, reader=None))
    with TestClient(app) as client:     # its lifespan starts the hand-over channel
        yield app, client


@contextmanager
def during_a_run(app: FastAPI) -> Iterator[None]:
    """The service serves its copy inside the block, as when a run takes the lock (the
    run's own process asks it on the channel; this one is the service's); after it,
    the service serves the warehouse again."""
    hand_over = app.state.hand_over
    with exclusive(hand_over.warehouse, "a test's run"):
        hand_over.step_aside()
        assert hand_over.during_run
        yield
    deadline = time.monotonic() + 60
    while hand_over.during_run:
        assert time.monotonic() < deadline, "the service did not take the warehouse back"
        time.sleep(0.1)


def _exceptions(warehouse: Warehouse) -> dict[str, tuple]:
    with warehouse.connect() as conn:
        return {kind: (exception_id, count, status) for exception_id, kind, count, status
                in conn.fetchall("select exception_id, kind, count, status from ops.exception "
                                 "where key in (?, ?)", [f"{ROUTE} RuntimeError", "a step"])}


def test_exceptions_the_service_records_during_a_run_reach_the_warehouse(served,
                                                                          service_warehouse):
    app, _ = served
    with during_a_run(app):
        for failure in ("during the run", "again"):     # what a request's 500 records
            record_service_error(service_warehouse, ROUTE, RuntimeError(failure))
        # the run meanwhile opens one of its own in the warehouse: the same next id
        run = service_warehouse.open_duckdb(service_warehouse.duckdb_path)
        try:
            open_or_bump(run, "STEP_FAILED", "CRITICAL", "pipeline", "a step", "failed")
        finally:
            run.close()
    found = _exceptions(service_warehouse)
    assert {kind: tuple(rest) for kind, (_, *rest) in found.items()} == {
        "SERVICE_ERROR": (2, "OPEN"), "STEP_FAILED": (1, "OPEN")}
    assert found["SERVICE_ERROR"][0] != found["STEP_FAILED"][0]
    with service_warehouse.connect() as conn:
        assert conn.scalar("select count(*) from ops.exception_history where exception_id = ? "
                           "and action = 'OPENED'", [found["SERVICE_ERROR"][0]]) == 1


def test_a_copy_a_crash_left_after_its_replay_is_not_replayed_twice(served, service_warehouse,
                                                                    parties, tmp_path):
    app, client = served
    hand_over = app.state.hand_over
    system, agent = login(client, "sys"), login(client, "ag1")
    saved = tmp_path / "copy.duckdb"
    with during_a_run(app):
        created = client.post("/v1/identify", json=_person(777), headers=system).json()
        assert created["outcome"] == "NEW", created
        assert client.get(f"/v1/customers/{parties.agent1_party}",
                          headers=agent).status_code == 200
        record_service_error(service_warehouse, ROUTE, RuntimeError("during the run"))
        with service_warehouse.connect() as conn:
            conn.execute("checkpoint")      # the copy whole in its file, to keep it
        shutil.copyfile(hand_over.copy, saved)

    def written() -> tuple:
        with service_warehouse.connect() as conn:
            return (conn.scalar("select count(*) from events.customer_change where party_id = ? "
                                "and event_type = 'CREATED'", [created["party_id"]]),
                    conn.scalar("select count(*) from audit.personal_data_access"),
                    conn.scalar("select count(*) from matching.party_mention "
                                "where party_id = ?", [created["party_id"]]),
                    _exceptions(service_warehouse)["SERVICE_ERROR"][1])
    once = written()
    assert once[0] == 1 and once[2] == 1
    # a crash between the replay's commit and the copy's deletion: the copy is still
    # there when the service starts again
    shutil.copyfile(saved, hand_over.copy)
    hand_over.replay_left_copy()
    assert written() == once
    assert not hand_over.copy.exists()


def test_a_page_form_posted_during_a_run_answers_a_page_the_api_json(served):
    app, client = served
    form = {"username": "stew", "password": PASSWORD}
    with during_a_run(app):
        page = client.post("/steward/login", data=form)
        decision = client.post("/steward/requests/1/approve", data={"reason": "ok"})
        english = client.post("/steward/login?lang=en", data=form)     # kept in a cookie
        api = client.post("/v1/token", data=form)
    for answer in (page, english, decision):
        assert answer.status_code == 503 and answer.headers["retry-after"] == "300"
        assert answer.headers["content-type"].startswith("text/html")
    assert "夜间批处理正在运行" in page.text and "夜间批处理正在运行" in decision.text
    assert "the nightly run is in progress" in english.text
    assert api.status_code == 503 and api.headers["retry-after"] == "300"
    assert "nightly run" in api.json()["detail"]
    assert client.post("/steward/login", data=form).status_code != 503     # after the run


def test_a_portal_form_posted_during_a_run_answers_a_portal_page(served):
    app, client = served
    form = {"username": "portal_x", "password": PASSWORD, "name": "张三",
            "id_no": "110101199003071234", "mobile": "13800000000"}
    with during_a_run(app):
        pages = [client.post("/portal/register", data=form),
                 client.post("/portal/login", data=form),
                 client.post("/portal/account/contact?lang=en", data={"mobile": "13800000001"})]
        api = client.post("/v1/portal/register", json=form)
    for answer in pages:
        assert answer.status_code == 503 and answer.headers["retry-after"] == "300"
        assert answer.headers["content-type"].startswith("text/html")
        assert 'href="/portal/account"' in answer.text and "/steward/" not in answer.text
    assert "<title>客户门户</title>" in pages[0].text and "夜间批处理正在运行" in pages[0].text
    assert "<title>Customer portal</title>" in pages[2].text
    assert "the nightly run is in progress" in pages[2].text
    assert api.status_code == 503 and "nightly run" in api.json()["detail"]
