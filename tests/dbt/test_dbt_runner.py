"""run_dbt gives each in-process dbt run its warehouse without touching the process's
environment, so that builds from the service's request threads cannot cross."""

import os
import threading
import uuid
from collections import OrderedDict

import pytest

from ecif.dbt_runner import artifacts_dir, run_dbt
from ecif.warehouse import Warehouse


def seed_tables(warehouse: Warehouse) -> int:
    with warehouse.connect() as conn:
        return conn.fetchone("select count(*) from information_schema.tables "
                             "where table_schema like '%reference'")[0]


def test_a_run_leaves_the_environment_as_it_was(duckdb_warehouse):
    before = dict(os.environ)
    seeded = run_dbt(duckdb_warehouse, ["seed"])
    assert dict(os.environ) == before
    assert seeded > 0 and seed_tables(duckdb_warehouse) == seeded


def test_the_postgres_password_reaches_dbt_and_none_of_its_files(pg_warehouse):
    p = pg_warehouse.pg_params
    password = f"pw-{uuid.uuid4().hex}"
    # the test server trusts local connections: the password is sent, never checked
    warehouse = Warehouse(f"postgresql://{p['user']}:{password}@{p['host']}:{p['port']}/"
                          f"{p['dbname']}")
    before = dict(os.environ)
    seeded = run_dbt(warehouse, ["seed"])
    assert dict(os.environ) == before
    assert seeded > 0 and seed_tables(warehouse) == seeded
    written = [f for f in artifacts_dir(warehouse).rglob("*") if f.is_file()]
    assert any(f.name == "dbt.log" for f in written)
    assert [f for f in written if password.encode() in f.read_bytes()] == []


def test_two_threads_build_their_own_warehouse(tmp_path):
    warehouses = [Warehouse(f"duckdb:///{tmp_path / name}.duckdb") for name in ("a", "b")]
    seeded: dict[str, int] = {}

    def seed(warehouse: Warehouse) -> None:
        seeded[warehouse.url] = run_dbt(warehouse, ["seed"])

    threads = [threading.Thread(target=seed, args=(w,)) for w in warehouses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seeded) == 2 and len(set(seeded.values())) == 1
    assert [seed_tables(w) for w in warehouses] == list(seeded.values())


def test_dbt_vars_are_a_keyword_not_an_argument(duckdb_warehouse):
    with pytest.raises(ValueError, match="dbt_vars"):
        run_dbt(duckdb_warehouse, ["seed", "--vars", "{run_unit_tests: true}"])



def test_the_project_is_parsed_once_for_warehouses_named_alike(tmp_path, monkeypatch):
    # the steps of a night differ in their run-time vars, tests in their folders: neither
    # parses the project again (a full parse is most of a small build's time)
    from dbt.parser.manifest import ManifestLoader

    from ecif import dbt_runner

    monkeypatch.setattr(dbt_runner, "_manifests", OrderedDict())   # none from earlier tests
    parses = []
    parse = ManifestLoader.get_full_manifest
    monkeypatch.setattr(ManifestLoader, "get_full_manifest",
                        lambda *args, **kwargs: parses.append(1) or parse(*args, **kwargs))
    first, second = (Warehouse(f"duckdb:///{tmp_path / name / 'warehouse.duckdb'}")
                     for name in ("one", "two"))
    for warehouse in (first, second):
        warehouse.duckdb_path.parent.mkdir()
        run_dbt(warehouse, ["seed", "--select", "placeholder_value"])
        run_dbt(warehouse, ["seed", "--select", "dq_rule_parameter"],
                dbt_vars={"marts_changes_after": "2026-11-01 00:00:00"})
        assert seed_tables(warehouse) == 2
    assert len(parses) == 1
    run_dbt(second, ["seed", "--select", "placeholder_value"], dbt_vars={"run_unit_tests": True})
    assert len(parses) == 2 and seed_tables(second) == 2   # a parse-time switch: parsed again
