"""The channel through which a run asks the service to hand a DuckDB warehouse over.

A DuckDB file has one read-write process, and `ecif serve` keeps its warehouse open.
The service announces a control channel in `<warehouse file>.service` (readable by its
owner only): its pid, a loopback port and a secret. Whoever takes the warehouse lock
(ecif.run_lock) asks the announced service to step aside before it opens the file;
the service answers once it has closed the file (ecif.service.hand_over) and takes it
back when the lock is free again. A service that does not answer fails the asking
command with one line; an announcement whose process is gone is removed. `ecif
dispatch` reads the announcement too: a live service delivers the change feed itself,
so the dispatcher does not take the lock for rounds of its own (serving_process).
"""

from __future__ import annotations

import hmac
import json
import os
import socket
from pathlib import Path

from ecif.warehouse import Warehouse

STEP_ASIDE = "step-aside"
OK = "ok"
# copying the warehouse for the service's reads takes about a second a gigabyte
ANSWER_SECONDS = 300.0


class ServiceDidNotStepAside(RuntimeError):
    """The announced service did not answer, or refused; the message says which."""


def announcement(warehouse: Warehouse) -> Path:
    return warehouse.duckdb_path.with_name(warehouse.duckdb_path.name + ".service")


def announce(warehouse: Warehouse, port: int, secret: str) -> None:
    path = announcement(warehouse)
    path.unlink(missing_ok=True)        # a new file: its mode is ours, 0600
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"pid": os.getpid(), "port": port, "secret": secret}, out)


def withdraw(warehouse: Warehouse) -> None:
    path = announcement(warehouse)
    try:
        if json.loads(path.read_text())["pid"] == os.getpid():
            path.unlink()
    except (OSError, ValueError, KeyError):
        pass


def authentic(line: str, secret: str) -> str | None:
    """The command of a request line `<secret> <command>`, if the secret is right."""
    given, _, command = line.strip().partition(" ")
    return command if hmac.compare_digest(given.encode(), secret.encode()) else None


def _announced(path: Path) -> tuple[int, int, str] | None:
    """pid, port and secret of the announcement at `path` (None: there is none)."""
    try:
        service = json.loads(path.read_text())
        return int(service["pid"]), int(service["port"]), str(service["secret"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as e:
        raise ServiceDidNotStepAside(f"{path}: unreadable service announcement ({e}); "
                                     "stop the service or remove the file") from None


def serving_process(warehouse: Warehouse) -> int | None:
    """The pid of a live service of another process that announces the warehouse, if
    any. An unreadable announcement counts as none here: whoever then takes the lock
    meets it in ask_to_step_aside, which says so."""
    try:
        service = _announced(announcement(warehouse))
    except ServiceDidNotStepAside:
        return None
    if service is None or service[0] == os.getpid() or not _alive(service[0]):
        return None
    return service[0]


def ask_to_step_aside(warehouse: Warehouse) -> None:
    """Returns when no other process serves the warehouse file (at once when none is
    announced)."""
    path = announcement(warehouse)
    service = _announced(path)
    if service is None:
        return
    pid, port, secret = service
    if pid == os.getpid():
        return                  # the service itself, taking its warehouse back
    if not _alive(pid):
        path.unlink(missing_ok=True)
        return
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_SECONDS) as channel:
            channel.sendall(f"{secret} {STEP_ASIDE}\n".encode())
            answer = channel.makefile(encoding="utf-8").readline().strip()
    except OSError as e:
        raise ServiceDidNotStepAside(
            f"the service serving {warehouse.duckdb_path} (pid {pid}, 127.0.0.1:{port}) did "
            f"not answer its request to step aside ({e}); stop it, or retry") from None
    if answer != OK:
        raise ServiceDidNotStepAside(
            f"the service serving {warehouse.duckdb_path} (pid {pid}) did not step aside: "
            f"{answer or 'no answer'}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
