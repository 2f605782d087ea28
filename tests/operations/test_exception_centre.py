"""The exception centre on both engines: every source lands once with its count, a
repeat bumps instead of adding a row, ack and resolve keep their history and audit, the
command line answers in one line each, and a critical exception seen twice sends one
e-mail (to a local aiosmtpd server) and one webhook POST."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from ecif import exceptions_centre as centre
from ecif.cli import app
from ecif.events.subscriptions import ensure_tables as ensure_feed_tables
from ecif.exception_sources import (
    collect,
    record_failure,
    record_landing,
    record_service_error,
    watching,
)
from ecif.landing.bookkeeping import ensure_bookkeeping, record_rejection
from ecif.landing.report import LandingReport, WaitingBatch
from ecif.orchestration import task_log
from ecif.stewardship import service
from expectations.results import ensure_table as ensure_results_table
from tests.conftest import free_port
from tests.events.receiver import Receiver

PASSWORD = "correct horse battery"
ID_NO = "110101199003074518"          # generated: a valid check digit, nobody's


def refuse(conn, md5: str, reason: str) -> None:
    record_rejection(conn, file=f"core/20261102/customer_{md5}.dat", system="core",
                     entity="customer", business_date="20261102", reason=reason, row=7,
                     field="id_no", md5=md5, rejected_at=datetime(2026, 11, 2, 3))


def fail_check(conn, run_id: str, severity: str = "critical") -> None:
    conn.execute("insert into quality.validation_result (run_id, suite, check_name, "
                 "source_system, severity, min_value, max_value, observed_value, success, "
                 "checked_at) values (?, 'raw', 'core_customer_rows', 'core', ?, 1, null, 0, "
                 "false, ?)", [run_id, severity, datetime(2026, 11, 2, 4)])


def dead_letter(conn, seq: int) -> None:
    conn.execute("insert into events.dead_letter values ('S1', ?, ?, 8, 'HTTP 500', ?, null)",
                 [seq, f"E{seq}", datetime(2026, 11, 2, 5)])


def by_kind(conn) -> dict[str, centre.ExceptionRecord]:
    found = centre.listing(conn)
    kinds = [e.kind for e in found]
    assert len(kinds) == len(set(kinds)), kinds          # one row each
    return {e.kind: e for e in found}


@pytest.fixture(autouse=True)
def no_channels(monkeypatch):
    """No alert goes anywhere unless a test configures a channel."""
    for name in ("ECIF_ALERT_WEBHOOK", "ECIF_SMTP_HOST", "ECIF_SMTP_TO"):
        monkeypatch.delenv(name, raising=False)


def test_each_source_appears_once_with_its_count(warehouse):
    with warehouse.connect() as conn:
        ensure_bookkeeping(conn)
        ensure_results_table(conn)
        ensure_feed_tables(conn)
        refuse(conn, "a1", f"customer_a1.dat row 7 field id_no: {ID_NO} is not valid")
        fail_check(conn, "Q000001")
        fail_check(conn, "Q000001", "warning")       # the same check, another severity row
        dead_letter(conn, 1)
    collect(warehouse)
    collect(warehouse)                                 # read again: nothing counted twice
    waiting = WaitingBatch("B1", "claims", "claim", "20261101", "claims/20261101/claim.dat",
                           "no .ok", overdue=True)
    record_landing(warehouse, LandingReport(waiting=[waiting]))
    record_landing(warehouse, LandingReport(waiting=[waiting]))  # the same run: once
    with pytest.raises(RuntimeError), watching(warehouse, "matching"):
        raise RuntimeError("splink ran out of memory")
    record_service_error(warehouse, "GET /v1/customers/{party_id}", KeyError("id_no"))

    with warehouse.connect() as conn:
        refuse(conn, "b2", "customer_b2.dat: control file row count 10, file has 9")
        fail_check(conn, "Q000002")
        dead_letter(conn, 2)
        dead_letter(conn, 3)
    collect(warehouse)
    with warehouse.connect() as conn:
        found = by_kind(conn)
    assert set(found) == {"LANDING_REFUSED", "QUALITY_FAILED", "EVENT_DELIVERY_FAILED",
                          "DELIVERY_OVERDUE", "STEP_FAILED", "SERVICE_ERROR"}
    refused = found["LANDING_REFUSED"]
    assert (refused.system, refused.key, refused.count) == ("core", "customer 20261102", 2)
    assert refused.severity == "CRITICAL" and refused.status == "OPEN"
    assert found["QUALITY_FAILED"].count == 2      # runs Q000001 and Q000002
    assert found["QUALITY_FAILED"].key == "core_customer_rows"
    assert found["QUALITY_FAILED"].sample == "raw: core_customer_rows observed 0.0, expected >= 1.0"
    assert (found["EVENT_DELIVERY_FAILED"].key, found["EVENT_DELIVERY_FAILED"].count) == ("S1", 3)
    overdue = found["DELIVERY_OVERDUE"]
    assert (overdue.system, overdue.key, overdue.count, overdue.severity) == (
        "claims", "claim 20261101", 1, "WARNING")
    step = found["STEP_FAILED"]
    assert (step.key, step.count) == ("matching", 1)
    assert step.sample == "RuntimeError: splink ran out of memory"
    assert found["SERVICE_ERROR"].key == "GET /v1/customers/{party_id} KeyError"
    assert refused.first_seen <= refused.last_seen


def test_the_sample_is_masked(warehouse):
    with warehouse.connect() as conn:
        ensure_bookkeeping(conn)
        refuse(conn, "c3", f"row 7 field id_no: {ID_NO}, mobile 13812345678")
    collect(warehouse)
    with warehouse.connect() as conn:
        sample = centre.listing(conn)[0].sample
        stored = conn.fetchall("select sample from ops.exception union all "
                               "select note from ops.exception_history")
    assert ID_NO not in str(stored) and "13812345678" not in str(stored)
    assert "110101********451" in sample and "138****5678" in sample


def test_a_repeat_bumps_and_a_resolved_one_reopens(warehouse):
    with warehouse.connect() as conn:
        service_users(warehouse)
        first = centre.open_or_bump(conn, "STEP_FAILED", "CRITICAL", "pipeline", "marts",
                                    "dbt failed", "R1")
        assert first is not None and first.status == "OPEN" and first.count == 1
        assert centre.open_or_bump(conn, "STEP_FAILED", "CRITICAL", "pipeline", "marts",
                                   "dbt failed again", "R2") is None    # a repeat: no alert
        assert centre.open_or_bump(conn, "STEP_FAILED", "CRITICAL", "pipeline", "marts",
                                   "dbt failed again", "R2") is None    # already counted
        assert conn.scalar("select count(*) from ops.exception") == 1
        bumped = centre.get(conn, first.exception_id)
        assert bumped.count == 2 and bumped.sample == "dbt failed again"

        centre.resolve(conn, first.exception_id, "stew", "re-ran the marts")
        reopened = centre.open_or_bump(conn, "STEP_FAILED", "CRITICAL", "pipeline", "marts",
                                       "dbt failed a third time", "R3")
        assert reopened is not None and reopened.status == "OPEN" and reopened.count == 3
        actions = [c.action for c in centre.history(conn, first.exception_id)]
    assert actions == ["OPENED", "RESOLVED", "REOPENED"]


def service_users(warehouse) -> None:
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    service.user_add(warehouse, "stew", "steward", PASSWORD, "root")
    service.user_add(warehouse, "ana", "analyst", PASSWORD, "root")


def test_ack_and_resolve_keep_history_notes_and_audit(warehouse):
    with warehouse.connect() as conn:
        opened = centre.open_or_bump(conn, "QUALITY_FAILED", "CRITICAL", "core", "rows",
                                     "observed 0", "Q1")
        acked = centre.acknowledge(conn, opened.exception_id, "stew", "looking", "root")
        assert (acked.status, acked.assignee) == ("ACKNOWLEDGED", "root")
        with pytest.raises(centre.ExceptionCentreError, match="is ACKNOWLEDGED: it cannot "
                                                              "become ACKNOWLEDGED"):
            centre.acknowledge(conn, opened.exception_id, "stew")
        done = centre.resolve(conn, opened.exception_id, "root", "source re-sent the file")
        assert done.status == "RESOLVED" and done.notes == (
            "stew: looking\nroot: source re-sent the file")
        with pytest.raises(centre.ExceptionCentreError, match="is RESOLVED"):
            centre.resolve(conn, opened.exception_id, "root")
        with pytest.raises(centre.NoSuchException, match="no exception 999"):
            centre.acknowledge(conn, 999, "stew")
        changes = [(c.actor, c.action, c.note) for c in centre.history(conn,
                                                                         opened.exception_id)]
        audit = conn.fetchall("select actor, action, detail from stewardship.audit_log "
                              "order by logged_at")
        assert centre.listing(conn) == []                 # resolved ones only when asked
        assert [e.exception_id for e in centre.listing(conn, "RESOLVED")] == [
            opened.exception_id]
    assert changes == [("ecif", "OPENED", "observed 0"), ("stew", "ACKNOWLEDGED", "looking"),
                       ("root", "RESOLVED", "source re-sent the file")]
    assert [(a, b) for a, b, _ in audit] == [("stew", "EXCEPTION_ACK"),
                                             ("root", "EXCEPTION_RESOLVE")]
    assert f"exception {opened.exception_id} (QUALITY_FAILED core rows): looking" == audit[0][2]


def test_the_command_line(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("ECIF_TOKEN_FILE", str(tmp_path / "tokens.json"))
    service_users(warehouse)
    record_failure(warehouse, "land", ValueError("core/20261102/customer.dat: bad header"),
                   "R1")
    runner = CliRunner()

    def ecif(*args: str, user: str | None = None) -> tuple[int, list[str]]:
        if user:
            assert runner.invoke(app, ["login", "--user", user, "--password-stdin",
                                       "--warehouse", warehouse.url],
                                 input=PASSWORD + "\n").exit_code == 0
        result = runner.invoke(app, ["exceptions", *args, "--warehouse", warehouse.url])
        return result.exit_code, result.output.strip().splitlines()

    code, lines = ecif("list")
    assert code == 0 and len(lines) == 2 and lines[1] == "1 exception(s)"
    assert lines[0].startswith("1  OPEN         CRITICAL STEP_FAILED  pipeline  land  x1  last ")
    code, lines = ecif("show", "1")
    assert code == 0 and lines[1].endswith(
        "sample: ValueError: core/20261102/customer.dat: bad header")
    assert "ecif" in lines[2] and "OPENED" in lines[2]
    assert ecif("ack", "1", user="ana") == (1, [
        "error: ana is a analyst: only admin and steward handle exceptions"])
    assert ecif("ack", "1", "--note", "on it", user="stew") == (
        0, ["exception 1 acknowledged, assigned to stew"])
    assert ecif("resolve", "1", user="stew") == (0, ["exception 1 resolved, assigned to stew"])
    assert ecif("resolve", "1", user="stew") == (
        1, ["error: exception 1 is RESOLVED: it cannot become RESOLVED"])
    assert ecif("list", "--status", "gone") == (
        1, ["error: --status 'gone': one of OPEN, ACKNOWLEDGED, RESOLVED"])
    assert ecif("show", "7") == (1, ["error: no exception 7"])
    code, lines = ecif("list", "--status", "resolved")
    assert code == 0 and "RESOLVED" in lines[0] and lines[-1] == "1 exception(s)"


def test_airflow_callbacks_open_exceptions(warehouse, monkeypatch, tmp_path):
    """The task failure callback and the DAG's run-end callback, called as Airflow calls
    them (no Airflow needed to build the context)."""
    monkeypatch.setenv("ECIF_WAREHOUSE", warehouse.url)
    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))
    due = datetime.now(UTC) - timedelta(hours=7)
    run = SimpleNamespace(run_id="scheduled__2026-11-02T18:00:00+00:00", logical_date=due)
    for attempt in (1, 2):
        task_log.on_failure({"ti": SimpleNamespace(task_id="land_core", try_number=attempt,
                                                   start_date=None),
                             "dag_run": run, "exception": OSError("disk full")})
    on_time = SimpleNamespace(run_id="manual__1", logical_date=None,
                              run_after=datetime.now(UTC) - timedelta(hours=5))
    task_log.on_run_end({"dag_run": on_time, "reason": "success"})
    task_log.on_run_end({"dag_run": run, "reason": "success"})
    with warehouse.connect() as conn:
        found = by_kind(conn)
    failed = found["STEP_FAILED"]
    assert (failed.system, failed.key, failed.count) == ("airflow", "task land_core", 1)
    assert failed.sample == "OSError: disk full"
    late = found["RUN_LATE"]
    assert (late.severity, late.key, late.count) == ("CRITICAL", "ecif_nightly", 1)
    assert late.sample.startswith(f"run {run.run_id} ended 7.0 h after it was due")


class Mailbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list = []
        self.got = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's)
        self.messages.append(message_from_bytes(envelope.content))
        self.got.set()
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def webhook():
    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()


def test_a_critical_exception_seen_twice_alerts_once_by_mail_and_webhook(
        warehouse, smtp_server, webhook, monkeypatch, tmp_path):
    controller, mailbox = smtp_server
    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))
    monkeypatch.setenv("ECIF_ALERT_WEBHOOK", webhook.url)
    monkeypatch.setenv("ECIF_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECIF_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("ECIF_SMTP_TO", "ops@example.com, oncall@example.com")
    record_failure(warehouse, "publish", RuntimeError(f"party of {ID_NO} not published"), "R1")
    record_failure(warehouse, "publish", RuntimeError("again"), "R2")
    with warehouse.connect() as conn:
        ensure_bookkeeping(conn)
        ensure_results_table(conn)
        fail_check(conn, "Q1", "warning")              # a warning: no alert
    collect(warehouse)

    assert len(mailbox.messages) == 1 and len(webhook.requests) == 1
    mail = mailbox.messages[0]
    assert mail["Subject"] == "[ECIF CRITICAL] STEP_FAILED pipeline publish"
    assert mail["To"] == "ops@example.com, oncall@example.com"
    assert ID_NO not in mail.get_payload() and "110101********451" in mail.get_payload()
    posted = webhook.events()[0]
    assert (posted["kind"], posted["key"], posted["status"], posted["count"]) == (
        "STEP_FAILED", "publish", "OPEN", 1)

    with warehouse.connect() as conn:               # resolved, then it recurs: alert again
        centre.resolve(conn, posted["exception_id"], "stew")
    record_failure(warehouse, "publish", RuntimeError("third time"), "R3")
    assert len(mailbox.messages) == 2 and len(webhook.requests) == 2


def test_a_channel_that_fails_is_logged_never_fatal(warehouse, monkeypatch, tmp_path):
    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))
    closed = free_port()                              # nothing listens there
    monkeypatch.setenv("ECIF_ALERT_WEBHOOK", f"http://127.0.0.1:{closed}/hook")
    monkeypatch.setenv("ECIF_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECIF_SMTP_PORT", str(closed))
    monkeypatch.setenv("ECIF_SMTP_TO", "ops@example.com")
    from ecif import ops_log

    ops_log.configure(warehouse)
    record_failure(warehouse, "land", RuntimeError("boom"), "R1")
    with warehouse.connect() as conn:
        assert [e.key for e in centre.listing(conn)] == ["land"]   # recorded all the same
    log = ops_log.log_file(warehouse).read_text(encoding="utf-8")
    assert "alert of exception 1 not sent by webhook" in log
    assert "alert of exception 1 not sent by e-mail" in log


def test_a_failed_step_of_a_run_opens_an_exception(warehouse, tmp_path, monkeypatch):
    """`ecif run` records the step that failed (its other steps are not run here: the
    staging step fails at once, after an empty landing)."""
    from ecif import pipeline

    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))

    def staging_fails(*args, **kwargs):
        raise RuntimeError("dbt: relation raw.core__customer does not exist")

    monkeypatch.setattr(pipeline, "build_staging", staging_fails)
    (tmp_path / "extracts").mkdir()
    with pytest.raises(RuntimeError, match="does not exist"):
        pipeline.run_nightly(warehouse, tmp_path / "extracts")
    with warehouse.connect() as conn:
        (found,) = centre.listing(conn)
    assert (found.kind, found.system, found.key, found.count) == (
        "STEP_FAILED", "pipeline", "staging", 1)
    assert found.sample == "RuntimeError: dbt: relation raw.core__customer does not exist"


def test_the_quality_step_records_its_failed_warnings(warehouse, monkeypatch, tmp_path):
    """A warning does not stop the run: the step itself reads the results it wrote."""
    from ecif import pipeline
    from expectations.gate import QualityReport

    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))

    def check(warehouse_, suites, run_id, docs_dir):
        with warehouse_.connect() as conn:
            ensure_results_table(conn)
            fail_check(conn, run_id, "warning")
        return QualityReport(run_id)

    monkeypatch.setattr(pipeline, "check_quality", check)
    pipeline.quality_step(warehouse, (), "Q000007", docs_dir=tmp_path)
    with warehouse.connect() as conn:
        (found,) = centre.listing(conn)
    assert (found.kind, found.severity, found.system, found.count) == (
        "QUALITY_FAILED", "WARNING", "core", 1)
