"""Always on: `ecif serve` keeps answering identification and lookups while `ecif run`
builds the next night on the same warehouse, and the parties identification creates
meanwhile keep their ids through that night and the next one."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from ecif.identifiers import rid_check_char
from ecif.service import row_security
from ecif.warehouse import Warehouse
from tests.conftest import temporary_pg_database
from tests.landing.landing_files import customer, deliver
from tests.service.conftest import add_users, owned
from tests.service.service_process import ECIF, bearer, serving
from tests.service.test_row_security_pg import READER_PASSWORD, reader_of

NIGHTS = ("20261104", "20261105")
RUN_SECONDS = 600
pytestmark = pytest.mark.slow   # two or three nights per engine


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, sample, tmp_path) -> Warehouse:  # noqa: F811
    """The sample's three days published, users added; with its extracts beside it,
    two more nights delivered."""
    extracts, shared, _ = sample
    shutil.copytree(extracts, tmp_path / "extracts")
    for night in NIGHTS:
        deliver(tmp_path / "extracts", "core", "customer", night, [customer(f"C{night}")])
    if request.param == "duckdb":
        with shared.connect() as conn:
            conn.execute("checkpoint")
        shutil.copy(shared.duckdb_path, tmp_path / "ecif.duckdb")
        target = Warehouse(f"duckdb:///{tmp_path / 'ecif.duckdb'}")
    else:
        database = temporary_pg_database()
        target = database.__enter__()
        request.addfinalizer(lambda: database.__exit__(None, None, None))
        _run(target, tmp_path / "extracts", through="20261103")
        with target.connect() as conn:
            row_security.create_reader(conn, READER_PASSWORD)
    add_users(target, owned(target).seat)
    return target


def _run(warehouse: Warehouse, extracts: Path, through: str) -> None:
    done = subprocess.run([ECIF, "run", "--extracts", str(extracts), "--through", through,
                           "--warehouse", warehouse.url], capture_output=True, text=True,
                          timeout=RUN_SECONDS, env={**os.environ, "ECIF_LOG_DIR": str(
                              extracts.parent)})
    assert done.returncode == 0, done.stdout + done.stderr


def _person(serial: int) -> dict:
    born = date(1961, 1, 1) + timedelta(days=serial // 1000)
    first17 = f"310105{born:%Y%m%d}{serial % 1000:03d}"
    return {"party_type": "P", "name": f"候补{'甲乙丙丁戊己庚辛壬癸'[serial % 10]}",
            "id_type": "RID", "id_no": first17 + rid_check_char(first17)}


def test_identify_and_lookups_answer_during_the_night_and_new_ids_last(warehouse, tmp_path):
    agent1 = owned(warehouse)
    env = {"ECIF_LOG_DIR": str(tmp_path)}
    if warehouse.kind == "postgres":
        env["ECIF_SERVICE_READER_URL"] = reader_of(warehouse).url
    with serving(warehouse, tmp_path / "service.log", env) as http:
        base = str(http.base_url)
        system, agent = bearer(http, "sys"), bearer(http, "ag1")

        errors: list[str] = []
        created: list[tuple[str, dict]] = []
        feed_refused = 0
        stop = threading.Event()

        def keep_calling() -> None:
            nonlocal feed_refused
            http = httpx.Client(base_url=base, timeout=60)
            serial = 0
            while not stop.is_set():
                serial += 1
                person = _person(serial)
                calls = [("identify", "POST", "/v1/identify", person, system),
                         ("lookup", "GET", f"/v1/customers/{agent1.agent1_party}", None, agent),
                         ("caller", "GET", f"/v1/customers/by-mobile/{agent1.agent1_mobile}",
                          None, agent)]
                for what, method, path, body, headers in calls:
                    try:
                        answer = http.request(method, path, json=body, headers=headers)
                    except httpx.HTTPError as e:
                        errors.append(f"{what}: {e!r}")
                        continue
                    if not answer.is_success:
                        errors.append(f"{what}: {answer.status_code} {answer.text[:200]}")
                    elif what == "identify" and answer.json()["outcome"] == "NEW":
                        created.append((answer.json()["party_id"], person))
                feed_refused += http.get("/v1/events", headers=system).status_code == 503
                time.sleep(0.1)

        caller = threading.Thread(target=keep_calling)
        caller.start()
        try:
            _run(warehouse, tmp_path / "extracts", through=NIGHTS[0])
        finally:
            stop.set()
            caller.join(timeout=120)
        assert errors == [], (tmp_path / "service.log").read_text()[-5000:]
        assert created, "no party was created during the run"
        if warehouse.kind == "duckdb":
            assert feed_refused, "the service never stepped aside"
        # the service has the warehouse back once the feed answers again
        deadline = time.monotonic() + 60
        while http.get("/v1/events", headers=system).status_code != 200:
            assert time.monotonic() < deadline, "the service did not take the warehouse back"
            time.sleep(0.2)
        for party_id, person in created:
            again = http.post("/v1/identify", json=person, headers=system).json()
            assert (again["outcome"], again["party_id"]) == ("MATCHED", party_id)

        _run(warehouse, tmp_path / "extracts", through=NIGHTS[1])
        deadline = time.monotonic() + 60
        while http.get("/v1/events", headers=system).status_code != 200:
            assert time.monotonic() < deadline, "the service did not take the warehouse back"
            time.sleep(0.2)
        for party_id, _ in created:
            read = http.get(f"/v1/customers/{party_id}", headers=system)
            assert read.status_code == 200, read.text
            assert read.json()["profile"]["party_id"] == party_id
    if warehouse.kind == "duckdb":
        assert not Path(f"{warehouse.duckdb_path}.during-run").exists()
