"""`make airflow`, every Airflow component as a new user starts them, runs a triggered
night to the end with one shared secret and publishes the marts `ecif run` publishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from ecif.warehouse import Warehouse
from tests.conftest import free_port
from tests.dags.airflow_env import REPO, airflow_env
from tests.dags.nights import DAY, marts, settings

pytestmark = pytest.mark.slow


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
        """Every component gone, not only make: the scheduler, API server and triggerer
        outlive make's exit by many seconds, and would run beside the next tests."""
        os.killpg(self.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while self._group_alive() and time.monotonic() < deadline:
            self.process.poll()
            time.sleep(1)
        if self._group_alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.api.close()
        self.log.close()

    def _group_alive(self) -> bool:
        """A process of make's group still runs (zombies, which never go if nobody
        reaps them, do not count)."""
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
            except OSError:        # gone while we looked
                continue
            if state != "Z" and int(group) == self.process.pid:
                return True
        return False


def test_make_airflow_runs_a_night(sample_extracts, reference, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = airflow_env(home, extracts=sample_extracts, **settings(tmp_path))
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
