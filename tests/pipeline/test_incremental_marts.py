"""The marts kept incrementally (issue 18) equal a whole build on the same data, and
the publication that compares only the changed parties writes the events a
comparison of everything writes. Night after night (generated DELTA nights, an update,
insert and delete, a FULL re-delivery, a steward's MODIFY and DEACTIVATE, a merge, a
split, an erasure, a night with nothing new), a copy of the warehouse rebuilds every
mart whole and publishes with the full comparison; the nightly warehouse builds
incrementally and publishes. On DuckDB and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest

from ecif.generate.extracts import generate_extracts
from ecif.pipeline import (
    MartsReport,
    build_marts,
    build_staging,
    land_step,
    match_step,
    publish_step,
)
from ecif.stewardship import service
from ecif.warehouse import Warehouse
from tests.dbt.test_incremental_state import checksums, core_delta, keys
from tests.landing.landing_files import deliver

pytestmark = pytest.mark.slow  # rebuilds per test: started first, left out of test-fast

GENERATED_DAYS = ["20261101", "20261102"]
PASSWORD = "correct horse battery"


@contextmanager
def copy_of(warehouse: Warehouse, folder: Path) -> Iterator[Warehouse]:
    """The warehouse as it is now, in another file or database."""
    if warehouse.kind == "duckdb":
        target = folder / "whole.duckdb"
        target.unlink(missing_ok=True)
        shutil.copy(warehouse.url.removeprefix("duckdb:///"), target)
        yield Warehouse(f"duckdb:///{target}")
        return
    params = {k: v for k, v in warehouse.pg_params.items() if v != ""}
    source = params.pop("dbname")
    name = f"{source}_whole"
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}" template "{source}"')
    p = warehouse.pg_params
    try:
        yield Warehouse(f"postgresql://{p['user']}@{p['host']}:{p['port']}/{name}")
    finally:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def mart_tables(warehouse: Warehouse) -> list[str]:
    """The marts and what is built with them for the service (the serving schema)."""
    return ["intermediate.int_mention_party", *keys(
        warehouse, "select table_schema || '.' || table_name from information_schema.tables "
                   "where table_schema in ('marts', 'serving') order by 1")]


def published_events(warehouse: Warehouse, run_id: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall("select event_type, party_id, changed_fields, payload "
                             "from events.customer_change where run_id = ? order by seq", [run_id])


def night(warehouse: Warehouse, folder: Path, number: int) -> MartsReport:
    """Staging, matching and the marts as a night builds them; then the marts and the
    events compared with a whole build and a full comparison on a copy."""
    build_staging(warehouse)
    match_step(warehouse)
    report = build_marts(warehouse)
    run_id = f"night{number}"
    with copy_of(warehouse, folder) as whole:
        assert build_marts(whole, full=True).rebuilt == "--full"
        publish_step(whole, run_id)
        tables = mart_tables(whole)
        assert checksums(warehouse, tables) == checksums(whole, tables), f"night {number}"
        publish_step(warehouse, run_id)
        assert published_events(warehouse, run_id) == published_events(whole, run_id), \
            f"night {number}"
    return report


def party_of(warehouse: Warehouse, cust_no: str) -> str:
    return keys(warehouse, "select party_id from marts.customer_xref where source_system = "
                           f"'core' and source_entity = 'customer' and source_key = '{cust_no}'")[0]


def approve(warehouse: Warehouse, request_id: int) -> None:
    service.approve(warehouse, request_id, "appr")


def test_every_night_the_marts_and_events_equal_a_whole_build(module_warehouse, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)      # the matching evidence of these runs
    warehouse = module_warehouse
    extracts = tmp_path / "extracts"
    generate_extracts(extracts, persons=150, orgs=15, days=len(GENERATED_DAYS), seed=7)
    reports: list[MartsReport] = []
    events: list[int] = []

    def next_night(day: str | None = None) -> None:
        if day:
            land_step(warehouse, extracts, through=day, today=date(2026, 11, 30))
        reports.append(night(warehouse, tmp_path, len(reports) + 1))
        events.append(len(published_events(warehouse, f"night{len(reports)}")))

    for day in GENERATED_DAYS:
        next_night(day)
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    for user, role in (("stew", "steward"), ("appr", "approver")):
        service.user_add(warehouse, user, role, PASSWORD, "root")
    customers = keys(warehouse, "select cust_no from staging.stg_core__customer "
                                "order by cust_no limit 6")
    leads = keys(warehouse, "select lead_id from staging.stg_telesales__lead "
                            "order by lead_id limit 2")
    # an update, an insert, a delete, and a FULL re-delivery of the leads
    core_delta(extracts, customers[:3])
    deliver(extracts, "telesales", "lead", "20261104", extract_type="FULL", rows=[
        {"lead_id": lead, "name": "ZHANG WEI", "mobile": "13812345678", "op": "I"}
        for lead in leads])
    next_night("20261104")
    # a steward's MODIFY and DEACTIVATE, and a merge of two customers
    first, second, third = (party_of(warehouse, c) for c in customers[3:6])
    approve(warehouse, service.request_party_change(
        warehouse, "MODIFY", first, "stew", "called", attribute="mobile", value="13900001111"))
    approve(warehouse, service.request_party_change(warehouse, "DEACTIVATE", second, "stew",
                                                    "left"))
    approve(warehouse, service.request_merge(warehouse, [first, third], "stew", "one person"))
    next_night()
    merged = party_of(warehouse, customers[5])
    assert party_of(warehouse, customers[3]) == merged
    # the merge split again: the third customer's mention on its own
    mentions = keys(warehouse, "select mention_id from intermediate.int_mention_party where "
                               f"source_system = 'core' and source_key = '{customers[5]}'")
    approve(warehouse, service.request_split(warehouse, merged, mentions, "stew", "two people"))
    next_night()
    assert party_of(warehouse, customers[5]) != party_of(warehouse, customers[3])
    # an erasure
    approve(warehouse, service.request_party_change(warehouse, "ERASE",
                                                    party_of(warehouse, customers[4]), "stew",
                                                    "customer's request"))
    next_night()
    assert not keys(warehouse, "select party_id from marts.customer_xref where "
                               f"source_key = '{customers[4]}'")
    next_night()      # nothing new

    # the first night builds whole, every later one only what changed (nothing on the
    # last); each night until the split told something (the erasure's ERASED went out
    # at its approval)
    assert reports[0].rebuilt is not None
    assert [r.rebuilt for r in reports[1:]] == [None] * (len(reports) - 1)
    assert all(r.parties for r in reports[1:-1]) and reports[-1].parties == 0
    assert all(events[:5]) and events[5:] == [0, 0]

    # changed rules: every mart built whole again, to the same content
    before = checksums(warehouse, mart_tables(warehouse))
    monkeypatch.setattr("ecif.pipeline.rules_fingerprint", lambda: "other rules")
    assert build_marts(warehouse).rebuilt == \
        "the dbt models, macros or seeds changed since the last build"
    assert checksums(warehouse, mart_tables(warehouse)) == before
