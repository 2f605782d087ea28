"""A service over a private copy of the pipeline's `sample` warehouse, with one user per
role. Agents AG000000 and AG000001 and telesales seats own parties in the sample."""

from __future__ import annotations

import re
import shutil
import threading
import time
from dataclasses import dataclass

import pytest
import uvicorn
from fastapi.testclient import TestClient

from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from ecif.stewardship import service
from ecif.warehouse import Connection, Warehouse
from tests.conftest import free_port
from tests.pipeline.conftest import sample  # noqa: F401  (the session fixture)

SECRET = "test-secret-of-at-least-thirty-two-bytes"
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Owned:
    """A party of each agent and one of a telesales seat, with its keys."""
    agent0_party: str
    agent1_party: str
    agent1_mobile: str
    agent1_id_no: str
    seat: str
    seat_party: str


def add_users(warehouse: Warehouse, seat: str) -> None:
    service.user_add(warehouse, "root", "admin", PASSWORD, None)    # the first: bootstrap
    users = {"stew": ("steward", None), "appr": ("approver", None), "ag0": ("agent", "AG000000"),
             "ag1": ("agent", "AG000001"), "agx": ("agent", "AGX"), "seat": ("telesales", seat),
             "ana": ("analyst", None), "sys": ("system", None), "clm": ("claims", None)}
    for name, (role, owner) in users.items():
        service.user_add(warehouse, name, role, PASSWORD, "root", owner)


def owned(warehouse: Warehouse) -> Owned:
    with warehouse.connect() as conn:
        def one(sql: str) -> tuple:
            return conn.fetchone(sql)
        core = ("select party_id, mobile, id_no from intermediate.int_mention_party "
                "where source_system = 'core' and agent_code = '{}' and id_valid "
                "and mobile_valid and mobile_informative order by party_id limit 1")
        a0 = one(core.format("AG000000"))
        a1 = one(core.format("AG000001"))
        seat, seat_party = one(
            "select agent_code, party_id from intermediate.int_mention_party "
            "where source_system = 'telesales' and agent_code is not null "
            "order by party_id limit 1")
    return Owned(a0[0], a1[0], a1[1], a1[2], seat, seat_party)


@pytest.fixture(scope="module")
def service_warehouse(sample, tmp_path_factory) -> Warehouse:  # noqa: F811
    """A copy: the module's writes (new ids, requests) stay out of the shared sample."""
    _, shared, _ = sample
    with shared.connect() as conn:
        conn.execute("checkpoint")      # everything into the file, nothing left in the WAL
    copy = tmp_path_factory.mktemp("service") / "service.duckdb"
    shutil.copy(shared.duckdb_path, copy)
    return Warehouse(f"duckdb:///{copy}")


@pytest.fixture(scope="module")
def parties(service_warehouse) -> Owned:
    found = owned(service_warehouse)
    add_users(service_warehouse, found.seat)
    return found


@pytest.fixture(scope="module")
def client(service_warehouse, parties) -> TestClient:
    app = create_app(ServiceConfig(service_warehouse, SECRET, reader=None))
    return TestClient(app)


@pytest.fixture(scope="module")
def base_url(service_warehouse, parties):
    """The service on a free port, for a browser (the pages' browser tests)."""
    port = free_port()
    app = create_app(ServiceConfig(service_warehouse, SECRET, None))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def login(client: TestClient, user: str) -> dict[str, str]:
    response = client.post("/v1/token", data={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


DDL = re.compile(r"\s*(create|alter|drop|grant|revoke|comment|truncate|analyze|vacuum|do)\b",
                 re.IGNORECASE)


@pytest.fixture
def ddl_statements(monkeypatch) -> list[str]:
    """The DDL statements any warehouse connection of this process executes from now on."""
    seen: list[str] = []
    execute = Connection.execute

    def recording(self, sql, params=None):
        if DDL.match(sql):
            seen.append(sql)
        return execute(self, sql, params)
    monkeypatch.setattr(Connection, "execute", recording)
    return seen


def read_customers_and_identify(client: TestClient, parties: dict[str, str]) -> list[int]:
    """Every customer read and an identification, as the roles that make them; the
    status codes. `parties` names an agent's user, its party, mobile and ID number."""
    agent, system = login(client, parties["agent"]), login(client, "sys")
    answers = [
        client.get(f"/v1/customers/{parties['party']}", headers=agent),
        client.get(f"/v1/customers/by-mobile/{parties['mobile']}", headers=agent),
        client.get(f"/v1/customers/by-id-no/{parties['id_no']}", headers=system),
        client.post("/v1/customers/search", json={"mobile": parties["mobile"]}, headers=system),
        client.get(f"/v1/customers/{parties['party']}", headers=login(client, "ana")),
        client.post("/v1/identify", headers=system, json={
            "party_type": "P", "name": parties["name"], "id_type": "RID",
            "id_no": parties["id_no"]}),
    ]
    return [a.status_code for a in answers]
