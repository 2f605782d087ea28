"""One nightly run: land → dbt staging/intermediate → admission (a source whose new
batches fail a critical check is quarantined, ecif.quarantine) → quality gate → matching
→ dbt marts → mart checks → publish (the change events of the published golden
records), and the rebuild that steward decisions queue (`apply_decisions`).

`ecif run` calls `run_nightly`, `ecif rebuild` calls `apply_decisions`; the Airflow DAG
calls the step functions one by one. Each step is idempotent: run again on the same
input, it gives the same result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ecif import marts_state, ops_log
from ecif.archive import (
    ArchiveReport,
    archive_raw,
    archive_root,
    erase_from_archive,
    restore_archive,
)
from ecif.dbt_runner import run_dbt
from ecif.exception_sources import collect, record_landing, watching
from ecif.extract_spec import ENTITIES
from ecif.landing.bookkeeping import ensure_bookkeeping
from ecif.landing.erasures import rewrite_if_pending
from ecif.landing.loader import LandingReport, land
from ecif.landing.raw_tables import ensure_raw_table
from ecif.quarantine import admit, gate_suites
from ecif.rebuild_queue import earliest, mark_applied, queued
from ecif.report_folders import reports_root
from ecif.run_lock import exclusive, holding_the_lock, next_run_id
from ecif.source_feedback import write_feedback
from ecif.staging_state import (
    built_rules,
    pending_batches,
    record_rules,
    rules_fingerprint,
    staging_is_current,
)
from ecif.stewardship_schema import ensure_tables as ensure_stewardship_tables
from ecif.warehouse import Connection, Warehouse
from expectations.gate import QualityReport, check_quality
from expectations.results import ensure_table as ensure_results_table
from expectations.suites import AFTER_MARTS, Suite
from matching.evidence import evidence_root
from matching.run import MatchReport, run_matching

Progress = Callable[[str, int, int | None], None]
# The dbt nodes built after matching: the ephemeral stg_ models over the tables matching
# and the quality gate write after the staging step (with their sources' tests), and all
# downstream of them (int_mention_party), the marts and all downstream (the snapshots),
# the reports, and what the service reads besides the marts (serving: built from what
# the marts were built from). The staging step builds everything else.
AFTER_MATCHING = ("staging.matching+", "staging.quality+", "marts+", "reports", "serving")


def _quiet(label: str, done: int, total: int | None) -> None:
    """No display: library callers that don't want progress."""


@holding_the_lock("a land step")
def land_step(warehouse: Warehouse, extracts_dir: Path, through: str | None = None,
              rerun_dates: Collection[tuple[str, str]] = (),
              on_progress: Progress = _quiet,
              systems: Collection[str] | None = None,
              today: date | None = None) -> LandingReport:
    """systems: land only these (the DAG lands each system in its own task); today: the
    business day dates are checked against (default: today in Shanghai)."""
    report = land(warehouse, extracts_dir, through=through, rerun_dates=rerun_dates,
                  on_progress=on_progress, systems=systems, today=today)
    with warehouse.connect() as conn:
        ensure_tables(conn, systems)
    record_landing(warehouse, report)
    return report


def ensure_tables(conn: Connection, systems: Collection[str] | None = None) -> None:
    """The tables dbt reads that no step may have written yet: a system that has never
    delivered, stewardship before any steward acted, quality before the first check, the
    landing bookkeeping staging reads its pending batches from."""
    ensure_bookkeeping(conn)
    for spec in ENTITIES:
        if systems is None or spec.system in systems:
            ensure_raw_table(conn, spec)
    ensure_bookkeeping(conn)
    ensure_stewardship_tables(conn)
    ensure_results_table(conn)


def _dbt_step(warehouse: Warehouse, label: str, args: list[str], on_progress: Progress,
              dbt_vars: dict[str, object] | None = None) -> int:
    done = 0

    def on_node(name: str, status: str) -> None:
        nonlocal done
        done += 1
        on_progress(label, done, None)

    code = run_dbt(warehouse, args, on_node=on_node, dbt_vars=dbt_vars)
    on_progress(label, done, done)      # the count is known now: the bar stops its clock
    return code


def _from_scratch_args(warehouse: Warehouse) -> list[str]:
    # dbt-duckdb's full refresh of incremental tables in two threads swaps one model's
    # backup table for another's ("..._dbt_backup does not exist"): one thread then
    return ["--full-refresh", *(["--threads", "1"] if warehouse.kind == "duckdb" else [])]


@dataclass
class StagingReport:
    batches: int              # batches landed since the last build, now staged
    rebuilt: str | None       # why the build was from scratch (None: incremental)
    nodes: int = 0            # dbt models, seeds and tests run (0: nothing to do)

    def line(self) -> str:
        if self.rebuilt:
            return f"staging: rebuilt from raw ({self.rebuilt})"
        if not self.nodes:
            return "staging: no new batches since the last build, nothing to stage"
        return f"staging: {self.batches} new batch(es) staged"


@holding_the_lock("a staging build")
def build_staging(warehouse: Warehouse, on_progress: Progress = _quiet,
                  full: bool = False) -> StagingReport:
    """Seeds, staging and intermediate models with their tests (all but AFTER_MATCHING),
    kept incrementally: only the batches landed since the last build are read
    (staging_state.py). From scratch when `full`, or when the rules (dbt models, macros,
    seeds) changed since the tables were built: incremental tables never mix old and
    new rules."""
    fingerprint = rules_fingerprint()
    with warehouse.connect() as conn:
        ensure_bookkeeping(conn)
        built = built_rules(conn)
        rebuilt = ("--full" if full else
                   "the dbt models, macros or seeds changed since the last build"
                   if built not in (None, fingerprint) else None)
        batches = sum(map(len, pending_batches(conn).values()))
        if not rebuilt and built and staging_is_current(conn):
            return StagingReport(0, None)
    from_scratch = _from_scratch_args(warehouse) if rebuilt else []
    # the same rules as the last build's mean the same seeds, already loaded: not again
    loaded_seeds = ["resource_type:seed"] if built == fingerprint and not rebuilt else []
    nodes = _dbt_step(warehouse, "dbt staging",
                      ["build", "--exclude", *AFTER_MATCHING, *loaded_seeds, *from_scratch],
                      on_progress)
    with warehouse.connect() as conn:
        record_rules(conn, fingerprint)
    return StagingReport(batches, rebuilt, nodes)


@holding_the_lock("a matching step")
def match_step(warehouse: Warehouse, on_progress: Progress = _quiet,
               reports_dir: Path | None = None, full: bool = False) -> MatchReport:
    """reports_dir: where the run's evidence folder goes (default: the warehouse's
    matching/ folder, matching.evidence.evidence_root).
    full: match from scratch rather than on the stored state (matching.run)."""
    with warehouse.connect() as conn:
        on_progress("matching", 0, 1)
        run_id = next_run_id(conn, "matching.match_run", "R")
        report = run_matching(conn, run_id=run_id, full=full,
                              report_dir=(reports_dir or evidence_root(warehouse)) / run_id)
        on_progress("matching", 1, 1)
        return report


@dataclass
class MartsReport:
    rebuilt: str | None       # why every mart was built whole (None: incremental)
    parties: int              # parties recomputed (incremental builds)
    nodes: int                # dbt models, snapshots and tests run

    def line(self) -> str:
        if self.rebuilt:
            return f"marts: built whole ({self.rebuilt})"
        return f"marts: {self.parties:,} changed part(ies) recomputed"


@holding_the_lock("a marts build")
def build_marts(warehouse: Warehouse, on_progress: Progress = _quiet,
                full: bool = False) -> MartsReport:
    """The marts, reports and snapshots, with their tests. The marts keyed by party
    recompute only the parties changed since their last build (ecif.marts_state);
    whole when `full`, on the first build or when the rules changed."""
    fingerprint = rules_fingerprint()
    with warehouse.connect() as conn:
        rebuilt = marts_state.rebuild_reason(conn, fingerprint, full)
        last = marts_state.last_build(conn)
        through = marts_state.current(conn)
    since = None if rebuilt or last is None else last[1]
    nodes = _dbt_step(
        warehouse, "dbt marts",
        ["build", "--select", *AFTER_MATCHING, *(_from_scratch_args(warehouse) if rebuilt
                                                  else [])],
        on_progress,
        dbt_vars=since and {"marts_changes_after": since.changes_through,
                            "marts_runs_after": since.runs_through})
    with warehouse.connect() as conn:
        marts_state.record(conn, fingerprint, through)
        parties = 0 if rebuilt else conn.scalar(
            "select count(distinct party_id) from intermediate.int_mart_affected_party")
    return MartsReport(rebuilt, parties, nodes)


@holding_the_lock("a publish step")
def publish_step(warehouse: Warehouse, run_id: str | None = None,
                 applies: Collection[int] = ()) -> int:
    """The change events of what the marts now say, written with the new publication in
    one transaction (ecif.events.changes); run last, so that a failed run writes none.
    run_id: what the events name as their cause (default: the last matching run).
    applies: the queued steward decisions these marts were built with, APPLIED now."""
    from ecif.events.changes import marts_business_date, publish
    from ecif.published_nights import record_publication

    with warehouse.connect() as conn:
        if run_id is None:
            run_id = conn.scalar("select max(run_id) from matching.match_run")
        events = publish(conn, run_id)
        record_publication(conn, run_id, marts_business_date(conn), events)
        mark_applied(conn, applies)
        return events


def customer_counts(warehouse: Warehouse) -> dict[str, int]:
    """Golden records per party type (P persons, O organizations) in the published marts."""
    with warehouse.connect() as conn:
        return dict(conn.fetchall(
            "select party_type, count(*) from marts.customer group by party_type"))


@holding_the_lock("a feedback step")
def feedback_step(warehouse: Warehouse, business_dates: Collection[str],
                  out_dir: Path | None = None) -> dict[str, int]:
    """Per source system and business date, a file of its rows that failed validation
    (ecif.source_feedback) in out_dir (default: the warehouse's feedback/ folder,
    ecif.report_folders); rows per system."""
    out_dir = out_dir or reports_root(warehouse) / "feedback"
    written: dict[str, int] = {}
    with warehouse.connect() as conn:
        for day in sorted(business_dates):
            for system, rows in write_feedback(conn, out_dir, day).items():
                written[system] = written.get(system, 0) + rows
    return written


@holding_the_lock("a quality step")
def quality_step(warehouse: Warehouse, suites: tuple[Suite, ...], run_id: str | None = None,
                 on_progress: Progress = _quiet, docs_dir: Path | None = None) -> QualityReport:
    """Validate the suites into quality.validation_result and GX Data Docs (default
    the warehouse's quality/ folder); raises QualityGateError when a critical check fails."""
    if run_id is None:
        with warehouse.connect() as conn:
            run_id = next_run_id(conn, "quality.validation_result", "Q")
    on_progress("quality", 0, len(suites))
    report = check_quality(warehouse, suites, run_id,
                           docs_dir or reports_root(warehouse) / "quality")
    collect(warehouse)      # its failed warnings (a critical failure raised: see watching)
    on_progress("quality", len(suites), len(suites))
    return report


@dataclass
class Admission:
    run_id: str                                   # the quality run it is part of
    held: dict[str, list[str]] = field(default_factory=dict)   # system → quarantined batches

    def line(self) -> str:
        return ("quarantined (held out of staging, see `ecif quarantine list`): "
                + "; ".join(f"{system} {', '.join(batches)}"
                            for system, batches in self.held.items()))


@holding_the_lock("an admission step")
def admission_step(warehouse: Warehouse, new: Mapping[str, Sequence[str]],
                   on_progress: Progress = _quiet, docs_dir: Path | None = None) -> Admission:
    """Judge the new batches, system → batch ids (ecif.quarantine.admit: `ecif run`
    those its landing loaded, the DAG those landed since the last publication); when a
    system's are quarantined, staging is built again without them."""
    with warehouse.connect() as conn:
        run_id = next_run_id(conn, "quality.validation_result", "Q")
    held = admit(warehouse, new, run_id, docs_dir or reports_root(warehouse) / "quality")
    if held:
        build_staging(warehouse, on_progress)
    return Admission(run_id, held)


def gate_step(warehouse: Warehouse, run_id: str | None = None, on_progress: Progress = _quiet,
              docs_dir: Path | None = None) -> QualityReport:
    """The quality gate before matching: BEFORE_MARTS, with the rows of released batches
    left out of their system's checks (ecif.quarantine.gate_suites)."""
    with warehouse.connect() as conn:
        suites = gate_suites(conn)
    return quality_step(warehouse, suites, run_id, on_progress, docs_dir)


@dataclass
class RunSummary:
    landing: LandingReport | None = None
    staging: StagingReport | None = None
    matching: MatchReport | None = None
    marts: MartsReport | None = None
    quality: list[QualityReport] = field(default_factory=list)
    customers: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    events: int = 0           # change events the run published
    applied: list[int] = field(default_factory=list)    # queued decisions it published
    feedback: dict[str, int] = field(default_factory=dict)   # faulty rows per source system
    archive: ArchiveReport | None = None
    restored: int | None = None       # archived rows put back (--from-archive)
    admission: Admission | None = None    # the sources held in quarantine this night

    @property
    def needs_attention(self) -> bool:
        """A file refused, a delivery overdue or a source held (`ecif run` exits 3)."""
        return bool((self.landing and self.landing.needs_attention)
                    or (self.admission and self.admission.held))

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.restored is not None:
            out.append(f"archive: {self.restored:,} archived raw row(s) back in raw for the "
                       "full rebuild")
        if self.landing:
            out += self.landing.summary_lines()
        if self.staging:
            out.append(self.staging.line())
        if self.feedback:
            out.append("feedback to the sources: " + ", ".join(
                f"{system} {rows:,} row(s)" for system, rows in self.feedback.items()))
        if self.admission and self.admission.held:
            out.append(self.admission.line())
        if self.matching:
            m = self.matching
            out.append(f"matching {m.run_id}: {m.mentions:,} mentions → {m.parties:,} parties "
                       f"({m.merges} merges, {m.splits} splits since the last run)")
        if self.marts:
            out.append(self.marts.line())
        if self.quality:
            results = [r for q in self.quality for r in q.results]
            warnings = [r.check.name for q in self.quality for r in q.failed("warning")]
            out.append(f"quality {self.quality[0].run_id}: {len(results)} checks, "
                       f"{len(warnings)} warning(s)" + (": " + ", ".join(warnings) if warnings
                                                         else ""))
        out.append(f"change feed: {self.events:,} event(s) published")
        if self.applied:
            out.append(f"steward decisions applied: request(s) {_ids(self.applied)}")
        if self.archive:
            out.append(self.archive.line())
        if self.customers:
            out.append("customers: " + ", ".join(
                f"{n:,} {'persons' if t == 'P' else 'organizations' if t == 'O' else t}"
                for t, n in sorted(self.customers.items())))
        out.append("time: " + ", ".join(f"{step} {s:.1f}s" for step, s in self.seconds.items())
                   + f" (total {sum(self.seconds.values()):.1f}s)")
        return out


def run_nightly(warehouse: Warehouse, extracts_dir: Path, through: str | None = None,
                rerun_dates: Collection[tuple[str, str]] = (),
                on_progress: Progress = _quiet, today: date | None = None,
                full: bool = False, from_archive: bool = False) -> RunSummary:
    """full: rebuild staging from all raw rows instead of the new batches; from_archive:
    with the archived raw rows put back first (ecif.archive). Holds the warehouse lock
    from the first step to the last."""
    with exclusive(warehouse, "ecif run"):
        return _run_nightly(warehouse, extracts_dir, through, rerun_dates, on_progress, today,
                            full, from_archive)


def _run_nightly(warehouse: Warehouse, extracts_dir: Path, through: str | None,
                 rerun_dates: Collection[tuple[str, str]], on_progress: Progress,
                 today: date | None, full: bool, from_archive: bool) -> RunSummary:
    # the decisions approved before the run began are in every table it reads; one
    # approved meanwhile may not be, and waits for the runner
    with warehouse.connect() as conn:
        ensure_stewardship_tables(conn)
        summary = RunSummary(applied=list(queued(conn)))

    @contextmanager
    def timed(step: str) -> Iterator[None]:
        start = time.perf_counter()
        with ops_log.step(step), watching(warehouse, step):
            yield
        summary.seconds[step] = time.perf_counter() - start

    if from_archive:
        summary.restored = restore_archive(warehouse)
    with timed("land"):
        summary.landing = land_step(warehouse, extracts_dir, through, rerun_dates, on_progress,
                                    today=today)
    with timed("staging"):
        summary.staging = build_staging(warehouse, on_progress, full)
    # before the gate: the owners of a source hear of its faults even when they stop the run
    with timed("feedback"):
        summary.feedback = feedback_step(warehouse, summary.landing.business_dates)
    # the gate: a source whose new batches fail a critical check is held (ecif.quarantine)
    # and staging rebuilt without them; a critical failure of the state that remains
    # stops the run before the marts
    with timed("quality"):
        new: dict[str, list[str]] = {}
        for batch in summary.landing.loaded:
            new.setdefault(batch.system, []).append(batch.batch_id)
        summary.admission = admission_step(warehouse, new, on_progress)
        summary.quality.append(gate_step(warehouse, summary.admission.run_id, on_progress))
    with timed("matching"):
        summary.matching = match_step(warehouse, on_progress)
    with timed("marts"):
        summary.marts = build_marts(warehouse, on_progress, full)
    with timed("mart checks"):
        summary.quality.append(quality_step(warehouse, AFTER_MARTS, summary.quality[0].run_id,
                                            on_progress))
    with timed("publish"):
        summary.events = publish_step(warehouse, summary.matching.run_id, summary.applied)
    summary.customers = customer_counts(warehouse)
    # retention: what no longer shapes the current state leaves the warehouse
    with timed("archive"):
        summary.archive = archive_raw(warehouse, today=today)
    # an erasure approved since the last rebuild leaves the file to rewrite (DuckDB)
    rewrite_if_pending(warehouse)
    return summary


def _ids(request_ids: list[int]) -> str:
    return ",".join(map(str, request_ids))


@dataclass
class Applied:
    """What one round of the runner did: the requests it applied (none: nothing was
    queued), the step it rebuilt from (None: none of them needed a rebuild), the
    change events it published."""
    requests: list[int]
    step: str | None = None
    events: int = 0

    def line(self) -> str:
        if not self.requests:
            return "nothing queued"
        rebuilt = (f"rebuilt from {self.step}, {self.events:,} event(s) published"
                   if self.step else "nothing to rebuild")
        return f"applied request(s) {_ids(self.requests)}: {rebuilt}"


def apply_decisions(warehouse: Warehouse, on_progress: Progress = _quiet) -> Applied:
    """The one runner of the rebuilds steward decisions queue (ecif.rebuild_queue):
    under the warehouse lock, one rebuild from the earliest step any queued request
    needs, one publication whose events name them all (`request:3,5`), the requests
    APPLIED with it; after an erasure, the DuckDB file is then rewritten without the
    erased person's bytes."""
    with exclusive(warehouse, "ecif rebuild"):
        with warehouse.connect() as conn:
            ensure_stewardship_tables(conn)
            queue = queued(conn)
        step = earliest(queue.values())
        if step is None:
            # approved before approvals applied such requests at once (ROLE): nothing
            # to rebuild, nothing to publish
            with warehouse.connect() as conn:
                mark_applied(conn, queue)
            return Applied(list(queue))
        if step == "staging":
            build_staging(warehouse, on_progress)
        if step in ("staging", "matching"):
            match_step(warehouse, on_progress)
        build_marts(warehouse, on_progress)
        events = publish_step(warehouse, f"request:{_ids(list(queue))}", queue)
        rewrite_if_pending(warehouse)
        with warehouse.connect() as conn:     # and the archive files too
            erase_from_archive(conn, archive_root(warehouse))
        return Applied(list(queue), step, events)
