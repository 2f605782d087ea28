"""What one landing run did, for the CLI and the pipeline runner."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoadedBatch:
    batch_id: str
    system: str
    entity: str
    business_date: str
    rows: int
    seconds: float
    replaced: bool = False   # an explicit re-run replaced earlier rows of this batch
    anomalies: int = 0       # rows written to raw.landing_op_log
    erased: int = 0          # rows of erased persons dropped or emptied (raw.landing_erased)


@dataclass(frozen=True)
class SkippedBatch:
    batch_id: str
    system: str
    entity: str
    business_date: str


@dataclass(frozen=True)
class WaitingBatch:
    batch_id: str
    system: str
    entity: str
    business_date: str
    file: str
    reason: str
    overdue: bool = False    # still waiting past its deadline (calendar.py)


@dataclass(frozen=True)
class RejectedFile:
    file: str
    system: str
    entity: str
    business_date: str
    reason: str              # one line: file, row, field, why
    row: int | None = None
    field: str | None = None


@dataclass
class LandingReport:
    loaded: list[LoadedBatch] = field(default_factory=list)
    skipped: list[SkippedBatch] = field(default_factory=list)
    waiting: list[WaitingBatch] = field(default_factory=list)
    rejected: list[RejectedFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files that are no entity of the contract

    @property
    def ok(self) -> bool:
        """True when nothing was refused (waiting files are normal: not yet complete)."""
        return not self.rejected

    @property
    def needs_attention(self) -> bool:
        """Something was refused or is waiting past its deadline (`ecif run` exits 3)."""
        return bool(self.rejected) or any(w.overdue for w in self.waiting)

    @property
    def business_dates(self) -> set[str]:
        """The dates this landing loaded or refused a file of."""
        return {b.business_date for b in self.loaded} | {r.business_date for r in self.rejected}

    @property
    def rows_loaded(self) -> int:
        return sum(b.rows for b in self.loaded)

    def summary_lines(self) -> list[str]:
        lines = [f"landing: {len(self.loaded)} batch(es) loaded ({self.rows_loaded:,} rows), "
                 f"{len(self.skipped)} already loaded, {len(self.waiting)} waiting, "
                 f"{len(self.rejected)} rejected"]
        for system in sorted({b.system for b in self.loaded}):
            batches = [b for b in self.loaded if b.system == system]
            dates = sorted(b.business_date for b in batches)
            extra = "".join([
                f", {sum(b.anomalies for b in batches):,} op anomalies logged (raw.landing_op_log)"
                if any(b.anomalies for b in batches) else "",
                f", {sum(b.erased for b in batches):,} rows of erased persons screened out "
                "(raw.landing_erased)" if any(b.erased for b in batches) else "",
                f", re-run of {', '.join(b.batch_id for b in batches if b.replaced)}"
                if any(b.replaced for b in batches) else ""])
            lines.append(f"  loaded   {system}: {len(batches)} batch(es) {dates[0]}..{dates[-1]}, "
                         f"{sum(b.rows for b in batches):,} rows in "
                         f"{sum(b.seconds for b in batches):.1f}s{extra}")
        for w in self.waiting:
            lines.append(f"  {'OVERDUE ' if w.overdue else 'waiting '} {w.file}: {w.reason}")
        for r in self.rejected:
            lines.append(f"  REJECTED {r.reason}")
        for path in self.ignored:
            lines.append(f"  ignored  {path}: not a file of the extract contract")
        return lines
