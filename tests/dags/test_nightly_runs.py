"""Nights run by Airflow on a small sample publish the marts `ecif run` publishes:
through `airflow dags test` (the command data engineers debug with), through
`make airflow` (every component, as a new user starts them), and with a task that
fails once and is retried."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pendulum
import pytest

from ecif import pipeline
from ecif.warehouse import Warehouse
from tests.dags.airflow_env import REPO, airflow_env, free_port

pytestmark = pytest.mark.slow

DAY = "20261101"  # the sample's one business day
MARTS = ["customer", "customer_xref", "customer_contact", "customer_360",
         "customer_attribute_lineage", "policy_summary", "claim_summary", "customer_event",
         "customer_relationship", "org_group_hierarchy", "renewal_target", "telesales_prospect",
         "product_summary", "suspect_group_member", "person_suspect"]


def fetch(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def marts(warehouse: Warehouse) -> dict[str, list[tuple]]:
    return {t: sorted(fetch(warehouse, f"select * from marts.{t}"), key=repr) for t in MARTS}


def settings(folder: Path) -> dict[str, object]:
    """ECIF_* settings of a night whose files all stay in `folder`."""
    return {"warehouse": f"duckdb:///{folder / 'ecif.duckdb'}", "exports": folder / "exports",
            "reports": folder / "reports"}


@pytest.fixture(scope="module")
def clean_run(sample, tmp_path_factory) -> Warehouse:
    """`ecif run` on the sample."""
    warehouse = Warehouse(f"duckdb:///{tmp_path_factory.mktemp('ecif-run') / 'ecif.duckdb'}")
    pipeline.run_nightly(warehouse, sample, through=DAY)
    return warehouse


@pytest.fixture(scope="module")
def reference(clean_run) -> dict[str, list[tuple]]:
    """The marts of `ecif run` on the sample."""
    published = marts(clean_run)
    assert published["customer_xref"] and published["renewal_target"]
    return published


def test_airflow_dags_test_runs_a_night_to_the_end(airflow_db, sample, reference, tmp_path):
    env = airflow_env(airflow_db, extracts=sample, **settings(tmp_path))
    done = subprocess.run(
        ["airflow", "dags", "test", "ecif_nightly", "-c", json.dumps({"business_date": DAY})],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert marts(Warehouse(env["ECIF_WAREHOUSE"])) == reference
    assert (tmp_path / "exports" / DAY / "renewal-targets.csv").is_file()


def test_a_task_that_fails_once_is_retried_to_the_clean_result(
        airflow_db, dag, sample, clean_run, reference, tmp_path, monkeypatch):
    for name, value in airflow_env(airflow_db, extracts=sample, **settings(tmp_path)).items():
        monkeypatch.setenv(name, value)
    real_match_step = pipeline.match_step
    calls = []

    def crashes_after_its_work_once(*args, **kwargs):
        # the worst case for a retry: the step wrote everything, then the worker died
        result = real_match_step(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("worker lost after matching")
        return result

    monkeypatch.setattr(pipeline, "match_step", crashes_after_its_work_once)
    match = dag.get_task("match")
    monkeypatch.setattr(match, "retry_delay", timedelta(0))
    monkeypatch.setattr(match, "retry_exponential_backoff", 0)
    run = dag.test(logical_date=pendulum.datetime(2026, 11, 2, 2, tz="Asia/Shanghai"))
    assert run.state == "success", [ti.task_id for ti in run.get_task_instances()
                                    if ti.state != "success"]
    assert len(calls) == 2
    faulty = Warehouse(os.environ["ECIF_WAREHOUSE"])
    assert marts(faulty) == reference
    for table in ("raw.landing_batch", "matching.party_mention", "marts.customer"):
        assert fetch(faulty, f"select count(*) from {table}") == \
            fetch(clean_run, f"select count(*) from {table}")


class Standalone:
    """`make airflow` in its own AIRFLOW_HOME and process group, on free ports."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.home = home
        self.log = (home / "make-airflow.log").open("w")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "airflow"], cwd=REPO, start_new_session=True,
            stdout=self.log, stderr=subprocess.STDOUT, env={
                **env, "AIRFLOW_HOME": str(home),
                "AIRFLOW__API__HOST": "127.0.0.1", "AIRFLOW__API__PORT": str(self.port),
                "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.port}",
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
                # only the run the test triggers: no catch-up of the nights since 2 Nov
                "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            })
        self.api = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    def wait_for(self, what: str, ready, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.tail()
            try:
                result = ready()
            except httpx.TransportError:
                result = None
            if result:
                return result
            time.sleep(2)
        raise AssertionError(f"{what}: not after {timeout:.0f} s\n{self.tail()}")

    def sign_in(self) -> None:
        passwords = self.home / "simple_auth_manager_passwords.json.generated"
        self.wait_for("admin password", passwords.is_file, 300)
        token = self.wait_for("API server", lambda: self.api.post(
            "/auth/token", json={"username": "admin",
                                 "password": json.loads(passwords.read_text())["admin"]},
        ).json().get("access_token"), 300)
        self.api.headers["Authorization"] = f"Bearer {token}"

    def tail(self) -> str:
        self.log.flush()
        return (self.home / "make-airflow.log").read_text()[-4000:]

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.api.close()
        self.log.close()


def test_make_airflow_runs_a_night(sample, reference, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = airflow_env(home, extracts=sample, **settings(tmp_path))
    airflow = Standalone(home, env)
    try:
        airflow.sign_in()
        airflow.wait_for("the DAG parsed", lambda: airflow.api.get(
            "/api/v2/dags/ecif_nightly").status_code == 200, 300)
        airflow.api.patch("/api/v2/dags/ecif_nightly", json={"is_paused": False}
                          ).raise_for_status()
        run = airflow.api.post("/api/v2/dags/ecif_nightly/dagRuns", json={
            "logical_date": None, "conf": {"business_date": DAY}})
        run.raise_for_status()
        run_url = f"/api/v2/dags/ecif_nightly/dagRuns/{run.json()['dag_run_id']}"

        def finished() -> str | None:
            state = airflow.api.get(run_url).json()["state"]
            return state if state in ("success", "failed") else None

        assert airflow.wait_for("the run finished", finished, 900) == "success", airflow.tail()
    finally:
        airflow.stop()
    assert marts(Warehouse(env["ECIF_WAREHOUSE"])) == reference
    # one secret for every component, drawn at install, kept out of git, kept after
    secrets = home / "airflow-secrets.env"
    assert secrets.stat().st_mode & 0o777 == 0o600
    assert {line.split("=")[0] for line in secrets.read_text().splitlines()} == {
        "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY"}
    assert subprocess.run(["make", "-q", str(secrets), f"AIRFLOW_HOME={home}"],
                          cwd=REPO).returncode == 0
