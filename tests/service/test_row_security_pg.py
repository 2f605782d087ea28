"""On PostgreSQL the ownership rule is enforced twice. These tests bypass the
application: connected as the service's reader login (not a superuser, not the
tables' owner) with only the session settings the service sets, row-level security
alone hides other agents' rows. Then the API with its query-layer scoping switched
off still answers 404: either layer alone keeps the rows in."""

import psycopg
import pytest
from fastapi.testclient import TestClient

from ecif.pipeline import build_marts, build_staging, match_step
from ecif.service import row_security
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig, reader_of
from tests.dbt.raw_rows import load_raw
from tests.service.conftest import SECRET, add_users, login

D1 = "20261101"


def customer(cust_no, name, id_no, mobile, agent):
    return {"cust_no": cust_no, "cust_type": "1", "name": name, "id_type": "01",
            "id_no": id_no, "mobile": mobile, "gender": "1", "agent_code": agent, "op": "I"}


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    from tests.conftest import temporary_pg_database

    with temporary_pg_database() as warehouse:
        load_raw(warehouse, [
            ("core.customer", D1, "FULL", [
                customer("A1", "张伟", "11010519491231002X", "13911110001", "AGX"),
                customer("A2", "李娜", "440524188001010014", "13911110002", "AGX"),
                customer("B1", "王芳", "110101199003076632", "13911110003", "AGY"),
            ]),
            ("telesales.lead", D1, "FULL", [
                {"lead_id": "L1", "name": "赵敏", "mobile": "13911110005",
                 "assigned_seat": "S01", "op": "I"},
            ]),
        ])
        build_staging(warehouse)
        match_step(warehouse)
        build_marts(warehouse)
        add_users(warehouse, seat="S01")
        with warehouse.connect() as conn:
            row_security.ensure(conn)
        yield warehouse


def as_reader(warehouse, role, owner):
    """Straight to PostgreSQL as the reader login: no application code in between."""
    conn = psycopg.connect(**{k: v for k, v in reader_of(warehouse).pg_params.items() if v},
                           autocommit=True)
    if role is not None:
        conn.execute("select set_config('ecif.role', %s, false), "
                     "set_config('ecif.owner', %s, false)", [role, owner])
    return conn


def names(conn, table="marts.customer"):
    return sorted(r[0] for r in conn.execute(f"select name from {table}").fetchall())


def test_rls_alone_shows_an_agent_only_their_rows(pg):
    with as_reader(pg, "agent", "AGX") as conn:
        assert names(conn) == ["张伟", "李娜"]
        assert len(conn.execute("select * from marts.customer_360").fetchall()) == 2
        assert {r[0] for r in conn.execute(
            "select agent_code from intermediate.int_mention_party").fetchall()} == {"AGX"}
    with as_reader(pg, "agent", "AGY") as conn:
        assert names(conn) == ["王芳"]
    with as_reader(pg, "telesales", "S01") as conn:
        assert names(conn) == ["赵敏"]
    with as_reader(pg, "analyst", "") as conn:
        assert len(names(conn)) == 4
    with as_reader(pg, None, None) as conn:      # no settings: nothing at all
        assert names(conn) == []
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from marts.telesales_prospect")


def test_rls_survives_a_rebuild_failing_closed_then_reapplied(pg):
    build_marts(pg)      # dbt recreates the marts: grants and policies are gone with them
    with as_reader(pg, "agent", "AGX") as conn, pytest.raises(
            psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from marts.customer")
    client = TestClient(create_app(ServiceConfig(pg, SECRET, reader_of(pg), False)))
    party = client.get("/v1/customers/by-mobile/13911110001", headers=login(client, "agx"))
    assert party.status_code == 200      # the service re-applied them on first use
    with as_reader(pg, "agent", "AGX") as conn:
        assert names(conn) == ["张伟", "李娜"]


def test_api_with_query_scoping_broken_still_hides_rows(pg, monkeypatch):
    client = TestClient(create_app(ServiceConfig(pg, SECRET, reader_of(pg), False)))
    with pg.connect() as conn:
        other = conn.scalar("select party_id from marts.customer where name = '王芳'")
    agent = login(client, "agx")
    assert client.get(f"/v1/customers/{other}", headers=agent).status_code == 404
    monkeypatch.setattr("ecif.service.api_customers.visible",
                        lambda conn, user, parties: parties)       # a bug in the query layer
    assert client.get(f"/v1/customers/{other}", headers=agent).status_code == 404
    assert client.get("/v1/customers/by-mobile/13911110003", headers=agent).status_code == 404
    assert client.get(f"/v1/customers/{other}", headers=login(client, "sys")).status_code == 200


def test_identify_on_postgresql(pg):
    """Identification on PostgreSQL: live mentions read by COPY, pooled connections."""
    client = TestClient(create_app(ServiceConfig(pg, SECRET, reader_of(pg), False)))
    system = login(client, "sys")
    with pg.connect() as conn:
        zhang, li = (conn.scalar("select party_id from marts.customer where name = ?", [n])
                     for n in ("张伟", "李娜"))
    by_id = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": "张伟", "id_type": "RID", "id_no": "11010519491231002X"})
    assert by_id.json()["outcome"] == "MATCHED" and by_id.json()["party_id"] == zhang
    by_model = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": "李娜", "mobile": "13911110002"}).json()
    assert by_model["outcome"] == "MATCHED" and by_model["party_id"] == li
    assert "same informative mobile" in by_model["reason"]
    new_person = {"party_type": "P", "name": "欧阳明远", "id_type": "RID",
                  "id_no": "110101199001011237", "mobile": "13900001111"}
    new = client.post("/v1/identify", headers=system, json=new_person).json()
    assert new["outcome"] == "NEW"
    assert client.post("/v1/identify", headers=system, json=new_person
                       ).json()["party_id"] == new["party_id"]
