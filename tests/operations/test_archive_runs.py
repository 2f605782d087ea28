"""Raw retention end to end, on the generated sample, on DuckDB and PostgreSQL: after
archiving, the whole command `ecif run --full --from-archive` gives back the raw rows
and publishes the marts of before; an erasure approved after archiving and applied by
`ecif rebuild` takes the person out of the archive files and lists the screened rows
in raw.landing_erased.

The tests of this module build on each other in file order (one warehouse per engine).
"""

from __future__ import annotations

import shutil
from datetime import date

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ecif import archive
from ecif.archive import archive_raw, archive_root
from ecif.cli import app
from ecif.extract_spec import ENTITIES
from ecif.pipeline import run_nightly
from ecif.stewardship import service
from tests.dags.nights import marts

pytestmark = pytest.mark.slow   # three nights per engine

# the sample's business days are 20261101 to 20261103: a day of retention on the 4th
# leaves the rows of the first two days that no longer count
TODAY = date(2026, 11, 4)
PASSWORD = "correct horse battery"


def fetch(warehouse, sql: str, params=None) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def raw_rows(warehouse) -> dict[str, list[tuple]]:
    return {spec.raw_table: sorted(fetch(warehouse, f"select * from raw.{spec.raw_table}"),
                                   key=repr) for spec in ENTITIES}


def explained(warehouse) -> list[tuple]:
    return sorted(fetch(warehouse, "select * from quality.dq_exception"), key=repr)


def archived(warehouse) -> dict[str, list[dict]]:
    """The rows of each archive file, by its path in the archive."""
    root = archive_root(warehouse)
    return {path.relative_to(root).as_posix(): pq.read_table(path).to_pylist()
            for path in sorted(root.glob("*/*/*.parquet"))}


@pytest.fixture(scope="module")
def archived_night(module_warehouse, sample_extracts, tmp_path_factory):
    """The sample run by `ecif run`, then archived with a day of retention: the warehouse,
    the extracts, and the raw rows, explanations and marts of before archiving."""
    folder = tmp_path_factory.mktemp("archive-runs")
    extracts = folder / "extracts"
    shutil.copytree(sample_extracts, extracts)
    patch = pytest.MonkeyPatch()
    patch.chdir(folder)
    patch.setenv("ECIF_LOG_DIR", str(folder))
    patch.delenv("ECIF_ARCHIVE", raising=False)
    patch.delenv("ECIF_RAW_RETENTION_DAYS", raising=False)
    # the runs' own archive step counts 90 days back from the 4th: nothing is that old
    patch.setattr(archive, "business_today", lambda: TODAY)
    warehouse = module_warehouse
    assert run_nightly(warehouse, extracts).archive.rows == 0
    before = raw_rows(warehouse), explained(warehouse), marts(warehouse)
    report = archive_raw(warehouse, days=1, today=TODAY)
    assert report.rows > 0 and report.cutoff == "20261103"
    yield warehouse, extracts, report.rows, before
    patch.undo()


def test_run_full_from_archive_gives_the_marts_of_before_archiving(archived_night):
    warehouse, extracts, moved, (raw_before, explained_before, marts_before) = archived_night
    assert raw_rows(warehouse) != raw_before
    done = CliRunner().invoke(app, ["run", "--full", "--from-archive", "--extracts",
                                    str(extracts), "--warehouse", warehouse.url])
    assert done.exit_code == 0, done.output
    assert f"archive: {moved:,} archived raw row(s) back in raw" in done.output
    assert raw_rows(warehouse) == raw_before
    assert explained(warehouse) == explained_before
    assert marts(warehouse) == marts_before
    assert archived(warehouse) == {}
    assert fetch(warehouse, "select count(*) from raw.archived_batch_rows") == [(0,)]


def test_an_erasure_after_archiving_leaves_the_archive_through_the_runner(archived_night):
    warehouse, *_ = archived_night
    archive_raw(warehouse, days=1, today=TODAY)
    files = archived(warehouse)
    # a person with an archived core customer row, an informative ID and mobile
    keys = {row["cust_no"] for path, rows in files.items() if path.startswith("core/customer/")
            for row in rows}
    party, id_no, mobile = next(
        row for row in fetch(
            warehouse, "select party_id, id_no, mobile from intermediate.int_mention_party "
                       "where source_system = 'core' and source_entity = 'customer' "
                       "and id_informative and mobile_valid and mobile_informative "
                       "order by source_key")
        if fetch(warehouse, "select source_key from intermediate.int_mention_party where "
                            "party_id = ? and source_system = 'core' and source_entity = "
                            "'customer'", [row[0]])[0][0] in keys)
    mine = {(path, row["_batch_id"], row["_row_number"])
            for path, rows in files.items() for row in rows
            if {id_no, mobile} & set(row.values())}
    assert mine
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    for user, role in (("stew", "steward"), ("appr", "approver")):
        service.user_add(warehouse, user, role, PASSWORD, "root")
    request = service.request_party_change(warehouse, "ERASE", party, "stew", "asked to")
    service.approve(warehouse, request, "appr")
    done = CliRunner().invoke(app, ["rebuild", "--warehouse", warehouse.url])
    assert done.exit_code == 0, done.output
    assert f"applied request(s) {request}" in done.output
    after = archived(warehouse)
    assert not [row for rows in after.values() for row in rows
                if {id_no, mobile} & set(row.values())]
    erased = set(fetch(warehouse, "select batch_id, row_number from raw.landing_erased"))
    assert {(batch, row) for _, batch, row in mine} <= erased
    # the archive's bookkeeping counts what the files now hold
    assert fetch(warehouse, "select sum(rows) from raw.archived_batch_rows") == [
        (sum(len(rows) for rows in after.values()),)]
