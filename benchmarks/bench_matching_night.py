"""Where a night's matching step spends its time, per sub-step (issue 18).

    ecif generate --persons 100000 --orgs 10000 --days 3 --seed 5 --out X
    ecif run --extracts X --warehouse duckdb:///DIR/w.duckdb --through 20261101
    .venv/bin/python benchmarks/bench_matching_night.py --warehouse DIR/w.duckdb \
        --extracts X --night 20261102 [--runs 3] [--full]

Lands, stages and checks the night's batches as `ecif run` does before matching, on a
copy of the warehouse (the snapshot); then runs the matching step (`match_step`,
evidence included) `--runs` times, each on a fresh copy of the snapshot, and prints
the median seconds of each sub-step: the functions of matching.run, matching.regions
and matching.state that a run calls, timed by wrapping them. `--full`: from scratch.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecif import pipeline  # noqa: E402
from ecif.warehouse import Warehouse  # noqa: E402
from matching import regions, run, state  # noqa: E402

SUB_STEPS = {
    run: ("load_mentions", "load_contract_links", "_previous_assignment", "_changes",
          "_score", "_cluster_region", "assign_party_ids", "merge_split_events",
          "_new_state", "review_queue", "_suspect_groups", "_evidence", "_write_assignment",
          "write_frame"),
    state: ("load", "write"),
    regions: ("components", "region"),
}


def timing() -> dict[str, float]:
    """Wrap each sub-step (once) so its seconds add up in the dict returned."""
    seconds: dict[str, float] = defaultdict(float)

    def wrapped(fn: Callable, label: str) -> Callable:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - start
        return timed

    for module, names in SUB_STEPS.items():
        for name in names:
            setattr(module, name, wrapped(getattr(module, name), name))
    return seconds


def snapshot(warehouse: Path, extracts: Path, night: str, target: Path) -> None:
    """The warehouse with the night's batches landed, staged and checked, not matched."""
    shutil.copy(warehouse, target)
    copy = Warehouse(f"duckdb:///{target}")
    landing = pipeline.land_step(copy, extracts, night)
    pipeline.build_staging(copy)
    pipeline.feedback_step(copy, landing.business_dates)
    new: dict[str, list[str]] = {}
    for batch in landing.loaded:
        new.setdefault(batch.system, []).append(batch.batch_id)
    pipeline.gate_step(copy, pipeline.admission_step(copy, new).run_id)
    with copy.connect() as conn:
        conn.execute("checkpoint")      # the copies must not miss what is still in the WAL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--extracts", type=Path, required=True)
    parser.add_argument("--night", required=True, help="the business date to match")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()

    work = args.warehouse.parent / "bench_matching_night"
    work.mkdir(exist_ok=True)
    snapshot(args.warehouse, args.extracts, args.night, work / "snapshot.duckdb")
    runs: list[dict[str, float]] = []
    seconds = timing()
    for number in range(args.runs):
        target = work / f"run{number}" / "w.duckdb"
        target.parent.mkdir(exist_ok=True)
        shutil.copy(work / "snapshot.duckdb", target)
        seconds.clear()
        start = time.perf_counter()
        report = pipeline.match_step(Warehouse(f"duckdb:///{target}"), full=args.full)
        seconds["total"] = time.perf_counter() - start
        runs.append(dict(seconds))
        print(f"run {number + 1}: {report.mode}, {report.mentions:,} mentions, "
              f"{report.rescored:,} rescored, {report.reclustered:,} clustered again, "
              f"{seconds['total']:.1f} s")
    print("| sub-step | median s |\n|---|---:|")
    for name in ["total", *(n for names in SUB_STEPS.values() for n in names)]:
        print(f"| {name} | {statistics.median(r.get(name, 0.0) for r in runs):.2f} |")


if __name__ == "__main__":
    main()
