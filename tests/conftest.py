"""Shared fixtures: a fresh DuckDB file or a fresh PostgreSQL database per test.

PostgreSQL tests never skip: if the server is down they fail, so CI cannot go
green without having run them. The server URL comes from ECIF_TEST_PG_URL
(default: the local trust-auth server).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from ecif.warehouse import Warehouse

PG_ADMIN_URL = os.environ.get("ECIF_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ENGINE_PARAM = re.compile(r"\[(?:[^\]]*-)?(duckdb|postgres)(?:-[^\]]*)?\]$")


def pytest_collection_modifyitems(config, items):
    """Every test that reaches PostgreSQL is marked `postgres`; modules with `slow` tests
    run first (kept in that order by `--no-loadscope-reorder`), so that the two workers
    do not end the suite with one long module each while the other idles."""
    for item in items:
        if ("pg_warehouse" in item.fixturenames or engine_of(item.nodeid) == "postgres"
                or item.path.stem.endswith("_pg")):       # a PostgreSQL-only module
            item.add_marker(pytest.mark.postgres)
    slow_modules = {item.module for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module not in slow_modules)   # stable: file order kept


def engine_of(nodeid: str) -> str | None:
    found = ENGINE_PARAM.search(nodeid)
    return found.group(1) if found else None


def pytest_xdist_make_scheduler(config, log):
    """xdist's `loadscope`, with a module's DuckDB and PostgreSQL halves as two units:
    a module-scoped warehouse is built once per engine anyway, so the two workers can
    build them side by side instead of one after the other."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleAndEngine(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            engine = engine_of(nodeid)
            return f"{module}[{engine}]" if engine else module

    return ModuleAndEngine(config, log)


@pytest.fixture(scope="session", autouse=True)
def own_working_directory(tmp_path_factory) -> Iterator[Path]:
    """Each test process works in a folder of its own. The pipeline writes its reports
    (GX's file context, evidence pages) under the working directory by default: two
    xdist workers sharing one GX context break each other's saved suites ("has changed
    since it has last been saved"), and tests should not write into the checkout."""
    patch = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("cwd")
    patch.chdir(folder)
    yield folder
    patch.undo()


def free_port() -> int:
    """A loopback port the OS has just handed out (servers started by tests listen there)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A private copy of a folder that `build` fills once per test session for all xdist
    workers (the first to ask builds it, the others wait): a night on a sample costs a
    minute, and each worker used to run the same one."""
    import duckdb
    from filelock import FileLock

    private = tmp_path_factory.mktemp(name)
    if os.environ.get("PYTEST_XDIST_WORKER") is None:      # one process: build in place
        build(private)
        return private
    shared = tmp_path_factory.getbasetemp().parent / f"shared-{name}"   # this session's
    with FileLock(f"{shared}.lock"):
        if not (shared / ".built").exists():
            shutil.rmtree(shared, ignore_errors=True)
            shared.mkdir()
            build(shared)
            for path in shared.rglob("*.duckdb"):       # copied whole: nothing left in a WAL
                with duckdb.connect(str(path)) as conn:
                    conn.execute("checkpoint")
            (shared / ".built").touch()
    shutil.copytree(shared, private, dirs_exist_ok=True)
    return private


@pytest.fixture(scope="session")
def sample_extracts(tmp_path_factory) -> Path:
    """The generated sample of the end-to-end tests (300 persons, 30 organizations,
    business days 20261101 to 20261103, seed 11): this worker's copy."""
    return built_once(tmp_path_factory, "sample-extracts", generate_sample)


def generate_sample(folder: Path) -> None:
    from ecif.generate.extracts import generate_extracts

    generate_extracts(folder, persons=300, orgs=30, days=3, seed=11)


@pytest.fixture
def duckdb_warehouse(tmp_path) -> Warehouse:
    return Warehouse(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")


@pytest.fixture
def pg_warehouse() -> Iterator[Warehouse]:
    with temporary_pg_database() as warehouse:
        yield warehouse


@contextmanager
def temporary_pg_database() -> Iterator[Warehouse]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    admin = Warehouse(PG_ADMIN_URL)
    name = f"ecif_test_{uuid.uuid4().hex[:12]}"
    params = {k: v for k, v in admin.pg_params.items() if v != ""}
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    p = admin.pg_params
    yield Warehouse(f"postgresql://{p['user']}@{p['host']}:{p['port']}/{name}")
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request) -> Warehouse:
    """Runs a test once per engine."""
    if request.param == "duckdb":
        return request.getfixturevalue("duckdb_warehouse")
    return request.getfixturevalue("pg_warehouse")


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def module_warehouse(request, tmp_path_factory) -> Iterator[Warehouse]:
    """One warehouse per engine shared by a module's tests (for expensive dbt builds)."""
    if request.param == "duckdb":
        yield Warehouse(f"duckdb:///{tmp_path_factory.mktemp('wh') / 'warehouse.duckdb'}")
        return
    with temporary_pg_database() as warehouse:
        yield warehouse


CHROMIUM = Path("/usr/bin/chromium")
# headless, and quiet on a closed network: no background calls home
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by playwright (`make browser` installs it; playwright never
    downloads a browser of its own here)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's chromium: make browser (part of make test)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
