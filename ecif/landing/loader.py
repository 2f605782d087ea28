"""Landing: verify delivered extracts and append them to `raw.<system>__<entity>`.

Entry point: `land(warehouse, extracts_dir, through, rerun_dates, on_progress, systems,
today)`; `systems` restricts a call to some systems (their batches are independent of the
others'); `today` fixes the clock (default: the business day in Shanghai).

A batch is one entity file of one system and business date, id
`<system>__<entity>__<YYYYMMDD>`. Batches of each system+entity are taken in
business-date order (dates after `through` are not looked at). For each:

0. A business date that is no real day or is later than `today` is rejected; the
   refusal does not block later dates (see calendar.py).
1. Already LOADED and its `.ok` names the same md5 (or the `.ok` is gone):
   skipped, nothing changes (idempotent).
2. Data file without `.ok`: waiting (the source is still writing), nothing is
   written; overdue once past its deadline (calendar.py). An `.ok` without its data
   file, or an invalid `.ok`: rejected.
3. A batch behind an earlier date of the same system+entity that is waiting or
   was rejected in this run: waiting (applying it would skip a day's changes).
4. Re-delivery, unless `(system, date)` is in `rerun_dates`: an applied date
   delivered again with another md5, or a date older than the latest applied
   one, is rejected with a message saying how to re-run it. This refusal does
   not block later dates: the applied sequence has no gap because of it. A new
   version of a QUARANTINED batch is no such refusal: it is the corrected
   re-delivery, loaded in its place, and the system's other batches held for that
   date become LOADED with it (all judged again by the next gate, ecif.quarantine).
5. Otherwise verify (control file vs path and contract, bytes, md5, strict
   decoding, header, field counts, rows, `op`, key; see verify.py, parsers.py),
   screen out erased persons (erasures.py) and load in one transaction: (re-run
   only: delete the batch's raw rows, op log and erased rows) + bulk insert +
   erased rows + op-log anomalies + `landing_batch` row. A refusal
   writes `raw.landing_rejection` only and blocks later dates (rule 3).

An explicit re-run always reloads and replaces the batch, even with the same
md5 (the result is the same rows). Raw tables are append-only history; the
current state per key is computed downstream from `_business_date`,
`_extract_type` and `_row_number`. Failures that are not the file's fault
(database errors) roll the batch back and propagate to the caller.
Messages name files by their path relative to `extracts_dir`, rows and fields,
never values other than `op`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from pathlib import Path

from ecif.landing import bookkeeping, calendar, erasures, op_log, raw_tables
from ecif.landing.control_file import ControlFile, ControlFileError, read_control_file
from ecif.landing.discovery import Delivery, discover
from ecif.landing.parsers import parse_file
from ecif.landing.refusal import FileRefused
from ecif.landing.report import (
    LandingReport,
    LoadedBatch,
    RejectedFile,
    SkippedBatch,
    WaitingBatch,
)
from ecif.landing.verify import verify_content, verify_control, verify_rows
from ecif.warehouse import Connection, Warehouse

Progress = Callable[[str, int, int], None]


def land(warehouse: Warehouse, extracts_dir: Path, through: str | None = None,
         rerun_dates: Collection[tuple[str, str]] = (),
         on_progress: Progress | None = None,
         systems: Collection[str] | None = None,
         today: date | None = None) -> LandingReport:
    extracts_dir = Path(extracts_dir)
    found = discover(extracts_dir, through, systems)
    run = _Run(extracts_dir, {(s, d) for s, d in rerun_dates}, LandingReport(
        ignored=list(found.unknown)), today or calendar.business_today())
    total = len(found.deliveries)
    with warehouse.connect() as conn:
        bookkeeping.ensure_bookkeeping(conn)
        run.register = erasures.Register.load(conn)
        run.applied = bookkeeping.applied_batches(conn)
        for b in run.applied.values():
            key = (b.system, b.entity)
            run.latest[key] = max(run.latest.get(key, ""), b.business_date)
        for done, delivery in enumerate(found.deliveries):
            if on_progress:
                on_progress(f"landing: {delivery.batch_id}", done, total)
            run.process(conn, delivery)
        if on_progress:
            on_progress("landing", total, total)
    return run.report


class _Run:
    def __init__(self, extracts_dir: Path, reruns: set[tuple[str, str]],
                 report: LandingReport, today: date) -> None:
        self.extracts_dir = extracts_dir
        self.reruns = reruns
        self.report = report
        self.today = today
        self.deadline_days = calendar.wait_deadline_days()
        self.register = erasures.Register("", frozenset())  # loaded by land()
        self.applied: dict[str, bookkeeping.AppliedBatch] = {}
        self.latest: dict[tuple[str, str], str] = {}
        self.blocked: dict[tuple[str, str], str] = {}

    def process(self, conn: Connection, d: Delivery) -> None:
        key = (d.system, d.entity)
        prev = self.applied.get(d.batch_id)
        rerun = (d.system, d.business_date) in self.reruns
        impossible = calendar.date_refusal(d.business_date, self.today)
        if impossible:
            return self._reject(conn, d, impossible, block=False)
        if d.ok_path is None:
            if prev and not rerun:
                return self._skip(d)
            self._wait(d, "no control file (.ok) yet: the source is still writing")
            self.blocked.setdefault(key, f"{d.business_date} (waiting for its .ok)")
            return None
        if d.data_path is None:
            return self._reject(conn, d, FileRefused("control file present, data file missing"))
        try:
            ok = read_control_file(d.ok_path)
        except ControlFileError as exc:
            rel_ok = d.ok_path.relative_to(self.extracts_dir).as_posix()
            detail = str(exc).replace(str(d.ok_path), f"control file {rel_ok}")
            return self._reject(conn, d, FileRefused(detail))
        if prev and not rerun and str(ok.md5).lower() == prev.md5:
            return self._skip(d)
        if key in self.blocked:
            self._wait(d, f"blocked behind {self.blocked[key]}")
            return None
        # a new version of a quarantined batch is its corrected re-delivery: no re-run needed
        redelivery = prev is not None and prev.status == bookkeeping.QUARANTINED
        if not rerun and not redelivery:
            hint = f"ask for a re-run of ({d.system}, {d.business_date}) to replace it"
            if prev:
                return self._reject(conn, d, FileRefused(
                    f"re-delivery of an applied batch with a different md5; {hint}"),
                    block=False, md5=ok.md5)
            latest = self.latest.get(key)
            if latest and d.business_date < latest:
                return self._reject(conn, d, FileRefused(
                    f"business date {d.business_date} is older than {latest}, already applied "
                    f"(out of order re-delivery); {hint}"), block=False, md5=ok.md5)
        try:
            self._load(conn, d, ok, replace=bool(prev) or rerun, lift=redelivery)
        except FileRefused as refusal:
            self._reject(conn, d, refusal, md5=refusal.md5 or ok.md5)
        return None

    def _load(self, conn: Connection, d: Delivery, ok: ControlFile, replace: bool,
              lift: bool = False) -> None:
        started = time.perf_counter()
        assert d.data_path is not None
        spec = d.spec
        verify_control(ok, spec, d.business_date, d.data_path.name)
        data = d.data_path.read_bytes()
        md5 = verify_content(ok, data)
        try:
            table = parse_file(data, spec)
            verify_rows(table, ok, spec)
        except FileRefused as refusal:
            refusal.md5 = md5
            raise
        size = len(data)
        del data
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        rows, erased = erasures.screen(self.register, spec, raw_tables.with_meta(
            table, raw_tables.BatchMeta(d.batch_id, d.business_date, ok.extract_type,
                                        d.rel_path, loaded_at)))
        del table
        raw_tables.ensure_raw_table(conn, spec)
        with conn.transaction():
            if replace:
                raw_tables.delete_batch(conn, spec, d.batch_id)
                bookkeeping.delete_batch_notes(conn, d.batch_id)
            raw_tables.insert_rows(conn, spec, rows)
            bookkeeping.record_erased(conn, batch_id=d.batch_id, system=d.system,
                                      entity=d.entity, screened=erased)
            anomalies = op_log.record_anomalies(conn, spec, d.batch_id, d.business_date)
            seconds = time.perf_counter() - started
            bookkeeping.record_batch(
                conn, batch_id=d.batch_id, system=d.system, entity=d.entity,
                business_date=d.business_date, extract_type=ok.extract_type, file=d.rel_path,
                rows=rows.num_rows, size=size, md5=md5, loaded_at=loaded_at, seconds=seconds)
            if lift:    # the held batches of that system and date are judged again with it
                bookkeeping.lift_quarantine(conn, d.system, d.business_date)
        self.applied[d.batch_id] = bookkeeping.AppliedBatch(
            d.batch_id, d.system, d.entity, d.business_date, md5)
        key = (d.system, d.entity)
        self.latest[key] = max(self.latest.get(key, ""), d.business_date)
        self.report.loaded.append(LoadedBatch(
            d.batch_id, d.system, d.entity, d.business_date, rows.num_rows, seconds,
            replaced=replace, anomalies=anomalies, erased=len(erased)))

    def _skip(self, d: Delivery) -> None:
        self.report.skipped.append(SkippedBatch(d.batch_id, d.system, d.entity, d.business_date))

    def _wait(self, d: Delivery, reason: str) -> None:
        self.report.waiting.append(WaitingBatch(
            d.batch_id, d.system, d.entity, d.business_date, d.rel_path, reason,
            calendar.is_overdue(d.business_date, self.today, self.deadline_days)))

    def _reject(self, conn: Connection, d: Delivery, refusal: FileRefused, *,
                block: bool = True, md5: str | None = None) -> None:
        message = refusal.describe(d.rel_path)
        bookkeeping.record_rejection(
            conn, file=d.rel_path, system=d.system, entity=d.entity,
            business_date=d.business_date, reason=message, row=refusal.row,
            field=refusal.field, md5=md5, rejected_at=datetime.now(UTC).replace(tzinfo=None))
        self.report.rejected.append(RejectedFile(
            d.rel_path, d.system, d.entity, d.business_date, message, refusal.row,
            refusal.field))
        if block:
            self.blocked.setdefault((d.system, d.entity), f"{d.business_date} (rejected)")
