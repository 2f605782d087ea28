"""Quarantine instead of halting, on both engines: the generated sample lands its first
two days clean; on the third, claims delivers a claim file whose claimant IDs are
blanked. Claims' batch is held, the other four systems are published, the check's
exception is open and one mail went to a local SMTP server; a corrected re-delivery
releases it and resolves the exception. A fourth day's bad claims file is released by
a steward's request that another user approves, which resolves the exception again.

The tests of this module build on each other in file order (one warehouse per engine).
"""

import csv
import shutil
from pathlib import Path

import pytest

from ecif.extract_spec import ENTITIES
from ecif.pipeline import apply_decisions, run_nightly
from ecif.quarantine import MIN_ROWS, admission_suite, held_batches
from ecif.stewardship import service
from ecif.stewardship.users import StewardshipError
from tests.conftest import free_port
from tests.landing.landing_files import deliver
from tests.operations.test_exception_centre import Mailbox
from tests.stewardship.test_stewardship import audit_actions

pytestmark = pytest.mark.slow   # four nights per engine

DAY2, DAY3, DAY4 = "20261102", "20261103", "20261104"
HELD = f"claims__claim__{DAY3}"
PASSWORD = "correct horse battery"
CHECK = "claims.claim.claimant.id_completeness [critical]"


def claim_rows(extracts: Path, day: str) -> list[dict]:
    with (extracts / "claims" / day / "claim.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def resent(extracts: Path, day: str = DAY3) -> list[dict]:
    """The day's claims file, with every other current claim sent again as an update
    (enough rows to be judged at admission, MIN_ROWS)."""
    current: dict[str, dict] = {}
    for delivered in sorted(d.name for d in (extracts / "claims").iterdir() if d.name <= day):
        for row in claim_rows(extracts, delivered):
            if row["op"] == "D":
                current.pop(row["claim_no"], None)
            else:
                current[row["claim_no"]] = {**row, "op": "U"}
    today = claim_rows(extracts, day)
    again = [row for key, row in current.items() if key not in {r["claim_no"] for r in today}]
    assert len(today) + len(again) >= MIN_ROWS + 2
    return today + again


def deliver_claims(extracts: Path, day: str, rows: list[dict]) -> None:
    deliver(extracts, "claims", "claim", day, rows, extract_type="DELTA")


def without_ids(rows: list[dict]) -> list[dict]:
    """The claimant IDs of 52% of the claims blanked (48% complete, under the critical
    bound of 70%)."""
    claims = [i for i, row in enumerate(rows) if row["op"] != "D"]
    blanked = set(claims[:round(0.52 * len(claims))])
    return [{**row, "claimant_id_no": ""} if i in blanked else row
            for i, row in enumerate(rows)]


def the_exception(warehouse) -> tuple[str, tuple[str, str, str]]:
    """The status of the failed check's exception and its last change (actor, action,
    note)."""
    (exception_id, status), = fetch(
        warehouse, "select exception_id, status from ops.exception "
                   "where kind = 'QUALITY_FAILED' and system = 'claims' and key = ?", [CHECK])
    last = fetch(warehouse, "select actor, action, note from ops.exception_history "
                            "where exception_id = ? order by changed_at desc limit 1",
                 [exception_id])[0]
    return status, last


def fetch(warehouse, sql: str, params=None) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def status_of(warehouse, batch_id: str) -> str:
    return fetch(warehouse, "select status from raw.landing_batch where batch_id = ?",
                 [batch_id])[0][0]


def new_keys_published(warehouse, day: str) -> dict[str, bool]:
    """Per system: whether every key first delivered on `day` (and not deleted) is in
    marts.customer_xref, for the entities with party mentions."""
    published = {}
    for spec in ENTITIES:
        if not fetch(warehouse, "select 1 from marts.customer_xref where source_system = ? "
                                "and source_entity = ? limit 1", [spec.system, spec.entity]):
            continue        # an entity without mentions (policies, contact events)
        keys = fetch(warehouse, f"select {spec.key} from raw.{spec.raw_table} group by "
                                f"{spec.key} having min(_business_date) = ? "
                                "and max(case when op = 'D' then 1 else 0 end) = 0", [day])
        if not keys:
            continue
        xref = {k for (k,) in fetch(warehouse, "select source_key from marts.customer_xref "
                                               "where source_system = ? and source_entity = ?",
                                    [spec.system, spec.entity])}
        published[spec.system] = published.get(spec.system, True) and all(
            k in xref for (k,) in keys)
    assert sorted(published) == sorted({s.system for s in ENTITIES}), \
        f"a system delivers no new key on {day}"
    return published


@pytest.fixture(scope="module")
def nights(module_warehouse, sample_extracts, tmp_path_factory):
    """Night 1 (days 1 and 2, clean), night 2 (day 3, claims' IDs blanked); the local
    SMTP server's mailbox, the extracts and night 2's summary."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    folder = tmp_path_factory.mktemp("quarantine")
    extracts = folder / "extracts"
    shutil.copytree(sample_extracts, extracts)
    original = resent(extracts)
    deliver_claims(extracts, DAY3, without_ids(original))
    patch = pytest.MonkeyPatch()
    patch.chdir(folder)
    patch.setenv("ECIF_LOG_DIR", str(folder))
    patch.setenv("ECIF_SMTP_HOST", "127.0.0.1")
    patch.setenv("ECIF_SMTP_PORT", str(controller.port))
    patch.setenv("ECIF_SMTP_TO", "ops@example.com")
    patch.delenv("ECIF_ALERT_WEBHOOK", raising=False)
    warehouse = module_warehouse
    first = run_nightly(warehouse, extracts, through=DAY2)
    assert not first.needs_attention and mailbox.messages == []
    second = run_nightly(warehouse, extracts)
    yield warehouse, extracts, original, mailbox, second
    patch.undo()
    controller.stop()


def test_one_systems_critical_failure_holds_it_and_publishes_the_other_four(nights):
    warehouse, _, _, _, summary = nights
    assert summary.admission.held == {"claims": [HELD]}
    assert summary.needs_attention                  # `ecif run` exits 3
    assert any(line.startswith("quarantined") and HELD in line for line in summary.lines())
    assert status_of(warehouse, HELD) == "QUARANTINED"
    assert new_keys_published(warehouse, DAY3) == {
        "core": True, "uw": True, "claims": False, "finance": True, "telesales": True}
    assert summary.events > 0           # the night was published
    # the held system keeps its last good state: its day-2 claims are still there
    assert new_keys_published(warehouse, DAY2)["claims"]
    with warehouse.connect() as conn:
        assert [b.batch_id for b in held_batches(conn)] == [HELD]


def test_the_exception_is_open_and_one_mail_went_out(nights):
    warehouse, _, _, mailbox, summary = nights
    opened = fetch(warehouse, "select severity, status from ops.exception "
                              "where kind = 'QUALITY_FAILED' and system = 'claims' and key = ?",
                   [CHECK])
    assert opened == [("CRITICAL", "OPEN")]
    assert len(mailbox.messages) == 1
    assert CHECK in mailbox.messages[0].as_string()
    # judged over the new batch, recorded with the night's quality run
    observed = fetch(warehouse, "select observed_value, success from quality.validation_result "
                                "where suite = 'admission' and check_name = ? and run_id = ?",
                     [CHECK, summary.admission.run_id])
    (value, success), = observed
    assert value == pytest.approx(0.48, abs=0.02) and not success


def test_admission_never_judges_a_check_of_the_whole_warehouse(nights):
    """Those (the marts', the mention ids') still stop the run: the quality gate tests."""
    warehouse, *_ = nights
    with warehouse.connect() as conn:
        suite = admission_suite(conn, {s.system: [f"{s.system}__x"] for s in ENTITIES})
    systems = {check.metric.source_system for check in suite.checks}
    assert systems == {s.system for s in ENTITIES}
    assert all(check.severity == "critical" for check in suite.checks)


def test_a_corrected_re_delivery_releases_the_held_batch(nights):
    warehouse, extracts, original, mailbox, _ = nights
    deliver_claims(extracts, DAY3, original)
    summary = run_nightly(warehouse, extracts)
    assert [b.batch_id for b in summary.landing.loaded] == [HELD]
    assert not summary.needs_attention and summary.admission.held == {}
    assert status_of(warehouse, HELD) == "LOADED"
    assert new_keys_published(warehouse, DAY3)["claims"]
    assert len(mailbox.messages) == 1
    # the exception is resolved by the pipeline, saying what lifted the hold
    status, (actor, action, note) = the_exception(warehouse)
    assert (status, actor, action) == ("RESOLVED", "ecif", "RESOLVED")
    assert f"admitted by quality run {summary.admission.run_id}: {HELD}" in note


def test_a_release_needs_a_request_approved_by_another_user(nights):
    warehouse, extracts, original, _, _ = nights
    # day 4: the claims of day 3 changed again, their claimant IDs blanked
    deliver_claims(extracts, DAY4, [{**row, "op": "U"} for row in without_ids(original)
                                    if row["op"] != "D"])
    summary = run_nightly(warehouse, extracts)
    held = f"claims__claim__{DAY4}"
    assert summary.admission.held == {"claims": [held]}
    assert the_exception(warehouse)[0] == "OPEN"     # the check failed again: reopened
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    for user, role in (("stew", "steward"), ("appr", "approver")):
        service.user_add(warehouse, user, role, PASSWORD, "root")
    with pytest.raises(StewardshipError, match="no batch of claims 20261101 is quarantined"):
        service.request_release(warehouse, "claims", "20261101", "stew", "wrong date")
    request = service.request_release(warehouse, "claims", DAY4, "stew", "IDs follow")
    with pytest.raises(StewardshipError, match="may not approve"):
        service.approve(warehouse, request, "stew")
    assert status_of(warehouse, held) == "QUARANTINED"
    assert the_exception(warehouse)[0] == "OPEN"
    assert service.approve(warehouse, request, "appr") == "staging"
    # resolved with the approval that lifted the hold, by its approver
    status, (actor, action, note) = the_exception(warehouse)
    assert (status, actor, action) == ("RESOLVED", "appr", "RESOLVED")
    assert f"released by request {request} (asked by stew, approved by appr): {held}" in note
    assert fetch(warehouse, "select count(*) from stewardship.audit_log where actor = 'appr' "
                            "and action = 'EXCEPTION_RESOLVE'") == [(1,)]
    applied = apply_decisions(warehouse)
    assert applied.requests == [request] and applied.step == "staging"
    assert status_of(warehouse, held) == "LOADED"
    mentions = fetch(warehouse, "select count(*) from intermediate.int_party_mention "
                                "where _batch_id = ?", [held])
    assert mentions[0][0] > 0
    assert {"REQUEST_RELEASE", "APPROVED", "APPLIED_RELEASE"} <= set(audit_actions(warehouse))
    with warehouse.connect() as conn:
        assert held_batches(conn) == []


def test_a_released_delivery_does_not_stop_the_next_night(nights):
    """Its claims are only 48% identified, under the critical bound, yet accepted."""
    warehouse, extracts, *_ = nights
    complete = fetch(warehouse, "select avg(case when id_no is not null then 1.0 else 0.0 "
                                "end) from intermediate.int_party_mention "
                                "where source_system = 'claims'")[0][0]
    assert complete < 0.7
    summary = run_nightly(warehouse, extracts)      # nothing new delivered
    assert not summary.needs_attention
    assert summary.events == 0
    failed = fetch(warehouse, "select count(*) from quality.validation_result "
                              "where run_id = ? and severity = 'critical' and not success",
                   [summary.quality[0].run_id])
    assert failed == [(0,)]
