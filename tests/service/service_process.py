"""`ecif serve` in a process of its own, as production runs it, for the tests that need
the service beside another process (a nightly run, a command): started on a free
loopback port, waited for until it answers, stopped after."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ecif.warehouse import Warehouse
from tests.conftest import free_port
from tests.service.conftest import PASSWORD, SECRET

ECIF = str(Path(sys.executable).with_name("ecif"))
WAIT = 60.0     # seconds a start, an answer or a take-back may take at most


def wait_until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@contextmanager
def serving(warehouse: Warehouse, log: Path,
            env: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    """The service on `warehouse` (its stderr in `log`), and a client of it once it
    answers /health; `env` adds to the environment."""
    port = free_port()
    service = subprocess.Popen(
        [ECIF, "serve", "--port", str(port), "--warehouse", warehouse.url],
        env={**os.environ, "ECIF_SERVICE_SECRET": SECRET, **(env or {})},
        stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=WAIT)

        def healthy() -> bool:
            assert service.poll() is None, log.read_text()[-3000:]
            try:
                return http.get("/health").status_code == 200
            except httpx.TransportError:
                return False
        wait_until(healthy, "the service did not start")
        yield http
    finally:
        service.terminate()
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()


def bearer(http: httpx.Client, user: str) -> dict[str, str]:
    """The Authorization header of `user`, logged in with the tests' password."""
    answer = http.post("/v1/token", data={"username": user, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
