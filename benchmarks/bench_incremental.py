"""Incremental nightly runs (issue 18): what a night costs as history grows, against a
run from scratch on the same landed data.

    .venv/bin/python benchmarks/bench_incremental.py --persons 20000 --days 5 [--write-results]

Generates the extracts (orgs = persons/10), runs `ecif run` night by night on one
warehouse (night 1: the FULL batches, then one DELTA day per night), then once on a
fresh warehouse over all days. Prints every night's step times and the ratios the
issue sets targets for: a DELTA night against the run from scratch, the last night
against night 2; then whether both published the same (benchmarks/same_result.py).
Each run is `ecif.pipeline.run_nightly` in this process (DuckDB).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import machine, write_section  # noqa: E402
from benchmarks.same_result import compare  # noqa: E402

START = date(2026, 11, 1)  # the generator's first business date


def night(warehouse, extracts: Path, through: str) -> dict[str, float]:
    from ecif.pipeline import run_nightly

    summary = run_nightly(warehouse, extracts, through=through)
    return {**summary.seconds, "total": sum(summary.seconds.values())}


def main() -> None:
    from ecif.generate.extracts import business_dates, generate_extracts
    from ecif.warehouse import Warehouse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "bench_incremental")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    if args.days < 2:
        parser.error("--days: at least 2 (night 1 is FULL, the rest DELTA)")
    work = args.work / f"{args.persons}x{args.days}"
    extracts = work / "extracts"
    if not extracts.exists():
        # written aside and renamed when complete: a killed run leaves no half folder that
        # the next one would take for the extracts
        partial = work / "extracts.partial"
        shutil.rmtree(partial, ignore_errors=True)
        generate_extracts(partial, args.persons, args.persons // 10, days=args.days, seed=5,
                          start_date=START)
        partial.rename(extracts)
    os.chdir(work)  # reports/ of each run go there
    dates = [d.strftime("%Y%m%d") for d in business_dates(START, args.days)]
    nights = {}
    for name in ("incremental.duckdb", "scratch.duckdb"):
        (work / name).unlink(missing_ok=True)
    incremental = Warehouse(f"duckdb:///{work / 'incremental.duckdb'}")
    for number, day in enumerate(dates, start=1):
        nights[f"night {number}"] = night(incremental, extracts, day)
        print(f"night {number} ({day}):", _format(nights[f"night {number}"]), flush=True)
    scratch_warehouse = Warehouse(f"duckdb:///{work / 'scratch.duckdb'}")
    scratch = night(scratch_warehouse, extracts, dates[-1])
    print("from scratch:", _format(scratch), flush=True)
    same = compare(incremental, scratch_warehouse)
    print(*same, sep="\n")
    last = f"night {args.days}"
    ratios = {
        "night 2 / from scratch": nights["night 2"]["total"] / scratch["total"],
        f"{last} / from scratch": nights[last]["total"] / scratch["total"],
        f"{last} / night 2": nights[last]["total"] / nights["night 2"]["total"],
        "night 2 staging / from scratch staging":
            nights["night 2"]["staging"] / scratch["staging"],
        f"{last} staging / night 2 staging": nights[last]["staging"] / nights["night 2"]["staging"],
        **{f"night 2 {step} / from scratch {step}": nights["night 2"][step] / scratch[step]
           for step in ("marts", "publish")},
        **{f"{last} {step} / from scratch {step}": nights[last][step] / scratch[step]
           for step in ("marts", "publish")},
    }
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:,.0f} MB")
    if args.write_results:
        steps = list(scratch)
        write_section(f"Incremental nights ({args.persons:,} persons, {args.days} days)", [
            machine(),
            f"`benchmarks/bench_incremental.py --persons {args.persons} --days {args.days}`: "
            "`ecif run` night by night on one DuckDB warehouse, then once from scratch on "
            f"a fresh one over the same landed data. Seconds per step; peak RSS {peak_mb:,.0f} "
            "MB (the whole benchmark process).",
            "",
            "| run | " + " | ".join(steps) + " |",
            "|---|" + "---:|" * len(steps),
            *(f"| {name} | " + " | ".join(f"{times.get(s, 0):.1f}" for s in steps) + " |"
              for name, times in [*nights.items(), ("from scratch", scratch)]),
            "",
            *(f"- {name}: **{ratio:.2f}**" for name, ratio in ratios.items()),
            "",
            "Night by night against from scratch (party ids mapped by their source records):",
            "",
            *(f"- {line}" for line in same),
        ])


def _format(times: dict[str, float]) -> str:
    return ", ".join(f"{step} {s:.1f}s" for step, s in times.items())


if __name__ == "__main__":
    main()
