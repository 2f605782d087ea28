"""The staging build kept incrementally (issue 18) equals a build from scratch on the
same landed data, after a sequence of nights: generated DELTA nights with I/U/D, a
night with duplicate rows, a delete and a FULL batch, a re-delivery (`--rerun`), and
a night with nothing new. On DuckDB and PostgreSQL."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ecif.dbt_runner import DBT_PROJECT_DIR, dbt_environment, run_dbt
from ecif.generate.extracts import generate_extracts
from ecif.pipeline import AFTER_MATCHING, StagingReport, build_staging, land_step
from ecif.staging_state import built_rules, pending_batches, record_rules, rules_fingerprint
from ecif.warehouse import Warehouse
from tests.conftest import temporary_pg_database
from tests.landing.landing_files import deliver

pytestmark = pytest.mark.slow  # rebuilds per test: started first, left out of test-fast

# every table the staging build keeps incrementally or derives from them
TABLES = [
    *(f"staging.stg_{name}{suffix}" for name in (
        "core__customer", "core__policy", "uw__uw_case", "claims__claim", "telesales__lead",
        "telesales__contact_event", "finance__receipt", "finance__payout")
      for suffix in ("", "_disposition")),
    "intermediate.int_party_mention", "intermediate.int_name_pinyin",
    "intermediate.int_contract_name_link", "intermediate.int_mobile_tie",
    "quality.dq_exception",
]
GENERATED_DAYS = ["20261101", "20261102"]


@contextmanager
def another_warehouse(like: Warehouse, folder: Path) -> Iterator[Warehouse]:
    if like.kind == "duckdb":
        yield Warehouse(f"duckdb:///{folder / 'scratch.duckdb'}")
        return
    with temporary_pg_database() as warehouse:
        yield warehouse


def checksums(warehouse: Warehouse, tables: list[str] = TABLES) -> dict[str, tuple[int, str]]:
    """Per table: row count and a hash of its sorted rows."""
    out = {}
    with warehouse.connect() as conn:
        for table in tables:
            rows = sorted(repr(row) for row in conn.fetchall(f"select * from {table}"))
            out[table] = (len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest())
    return out


def keys(warehouse: Warehouse, sql: str) -> list[str]:
    with warehouse.connect() as conn:
        return [r[0] for r in conn.fetchall(sql)]


def night(warehouse: Warehouse, extracts: Path, day: str, reruns=()) -> StagingReport:
    land_step(warehouse, extracts, through=day, rerun_dates=reruns)
    return build_staging(warehouse)


def core_delta(extracts: Path, customers: list[str], *, drop_delete: bool = False) -> None:
    """20261104: a customer updated twice in one file (the later row wins), an exact
    duplicate row, a delete, and a new customer whose key is written full-width."""
    updated, deleted, _ = customers
    rows = [
        {"cust_no": updated, "cust_type": "1", "name": "甲", "op": "U"},
        {"cust_no": updated, "cust_type": "1", "name": "乙", "op": "U"},
        {"cust_no": "Ｎ０００１ ", "cust_type": "1", "name": "丙", "mobile": "13912345678",
         "op": "I"},
        {"cust_no": "Ｎ０００１ ", "cust_type": "1", "name": "丙", "mobile": "13912345678",
         "op": "I"},
    ]
    if not drop_delete:
        rows.append({"cust_no": deleted, "op": "D"})
    deliver(extracts, "core", "customer", "20261104", rows)


@pytest.fixture(scope="module")
def nights(module_warehouse, tmp_path_factory):
    """The incremental warehouse after six nights, its state before the sixth (a night
    with nothing new), and the pending batches the sixth night found."""
    root = tmp_path_factory.mktemp("incremental")
    extracts = root / "extracts"
    generate_extracts(extracts, persons=150, orgs=15, days=len(GENERATED_DAYS), seed=7)
    warehouse = module_warehouse
    for day in GENERATED_DAYS:
        night(warehouse, extracts, day)
    customers = keys(warehouse, "select cust_no from staging.stg_core__customer "
                                "order by cust_no limit 3")
    leads = keys(warehouse, "select lead_id from staging.stg_telesales__lead "
                            "order by lead_id limit 2")
    core_delta(extracts, customers)
    # a FULL batch replaces the whole lead state; four new leads of four names carry the
    # mobile of an untouched mention, which five names now share: that mention is not
    # rebuilt, yet its mobile stops being informative
    mention, mobile = shared_mobile(warehouse)
    deliver(extracts, "telesales", "lead", "20261104", extract_type="FULL", rows=[
        *({"lead_id": lead, "name": "ZHANG WEI", "mobile": "13812345678", "op": "I"}
          for lead in leads),
        *({"lead_id": f"SHARED{n}", "name": name, "mobile": mobile, "op": "I"}
          for n, name in enumerate(["欧阳甲", "欧阳乙", "欧阳丙", "欧阳丁"]))])
    night(warehouse, extracts, "20261104")
    # the source re-delivers 20261104 without the delete (`--rerun core:20261104`), and
    # a claim is updated on 20261105
    core_delta(extracts, customers, drop_delete=True)
    claim = keys(warehouse, "select claim_no from staging.stg_claims__claim "
                            "order by claim_no limit 1")[0]
    deliver(extracts, "claims", "claim", "20261105", [
        {"claim_no": claim, "claimant_name": "王五", "status": "结案", "op": "U"}])
    night(warehouse, extracts, "20261105", reruns=[("core", "20261104")])
    before = checksums(warehouse)
    with warehouse.connect() as conn:
        pending = pending_batches(conn)
    report = night(warehouse, extracts, "20261105")
    with warehouse.connect() as conn:
        assert conn.scalar("select mobile_informative from intermediate.int_party_mention "
                           "where mention_id = ?", [mention]) is False
    return extracts, warehouse, before, pending, report, root


def shared_mobile(warehouse: Warehouse) -> tuple[str, str]:
    """A mention whose mobile is valid and informative, and the mobile: of a source
    entity no later night rebuilds whole (core's re-delivery rebuilds every customer)."""
    with warehouse.connect() as conn:
        return conn.fetchone(
            "select mention_id, mobile from intermediate.int_party_mention "
            "where source_system in ('uw', 'finance') and mobile_informative "
            "order by mention_id desc limit 1")


def test_every_night_leaves_what_a_build_from_scratch_gives(nights):
    extracts, warehouse, _, _, _, root = nights
    with another_warehouse(warehouse, root) as scratch:
        night(scratch, extracts, "20261105")
        expected = checksums(scratch)
    got = checksums(warehouse)
    assert {t: got[t] for t in TABLES if got[t] != expected[t]} == {}
    # the nights did exercise what they were meant to
    assert keys(warehouse, "select _disposition from staging.stg_core__customer_disposition "
                           "where _key = 'N0001' order by _disposition") == [
        "CURRENT", "SUPERSEDED"]
    assert keys(warehouse, "select count(*) from staging.stg_telesales__lead") == [6]


def test_a_night_without_new_batches_does_nothing_and_says_so(nights):
    _, warehouse, before, pending, report, _ = nights
    assert pending == {}
    assert (report.nodes, report.line()) == (
        0, "staging: no new batches since the last build, nothing to stage")
    assert checksums(warehouse) == before
    # and dbt itself, asked to build with nothing pending, changes nothing either
    run_dbt(warehouse, ["build", "--exclude", *AFTER_MATCHING])
    assert checksums(warehouse) == before


def test_changed_rules_rebuild_from_scratch_and_say_so(nights):
    _, warehouse, before, _, _, _ = nights
    with warehouse.connect() as conn:
        record_rules(conn, "rules of an older checkout")
    report = build_staging(warehouse)
    assert report.line() == ("staging: rebuilt from raw (the dbt models, macros or seeds "
                             "changed since the last build)")
    assert report.nodes and checksums(warehouse) == before
    with warehouse.connect() as conn:
        assert built_rules(conn) == rules_fingerprint()


def test_the_rules_fingerprint_follows_seeds_and_models(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, symlinks=False,
                    ignore=shutil.ignore_patterns("target", "logs"))
    original = rules_fingerprint(project)
    seed = project / "reference_seeds" / "dq_rule_parameter.csv"
    seed.write_text(seed.read_text() + "\n")
    assert rules_fingerprint(project) != original


def test_the_keys_the_incremental_merges_use_are_indexed(nights):
    _, warehouse, *_ = nights
    catalog = ("select tablename, indexdef from pg_indexes" if warehouse.kind == "postgres"
               else "select table_name, sql from duckdb_indexes()")
    with warehouse.connect() as conn:
        indexed = {(table, definition.split("(")[-1].rstrip(");")) for table, definition in
                   conn.fetchall(f"select * from ({catalog}) as i(tablename, indexdef)")}
    assert {("stg_core__customer", "cust_no"), ("stg_core__customer_disposition", "_key"),
            ("int_party_mention", "mention_id")} <= indexed


def test_duckdb_memory_and_spill_folder_come_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ECIF_DUCKDB_MEMORY_LIMIT", "1GB")
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}")
    with warehouse.connect() as conn:
        limit, spill = conn.fetchone("select current_setting('memory_limit'), "
                                     "current_setting('temp_directory')")
    assert limit == "953.6 MiB" and spill == f"{tmp_path / 'w.duckdb'}.tmp"
    environment = dbt_environment(warehouse)
    assert (environment["ECIF_DBT_DUCKDB_MEMORY_LIMIT"],
            environment["ECIF_DBT_DUCKDB_TEMP_DIR"]) == (
        "1GB", spill)
