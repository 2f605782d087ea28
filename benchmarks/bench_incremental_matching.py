"""Matching time of a DELTA night on the stored state against a run from scratch.

    .venv/bin/python benchmarks/bench_incremental_matching.py [--persons 30000]
        [--orgs 3000] [--write-results]

Generates `--days 2` of extracts, lands and stages day 1 and matches it (the stored
state), then lands and stages day 2 (a DELTA: a few percent of the mentions new or
changed). The warehouse is then copied: the copy matches day 2 from scratch
(`run_matching(full=True)`), the original as a night (`run_matching`). Both start
from the same previous assignment and must give the same parties; the ratio of
their times is the figure. Only the matching step is timed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import machine, write_section  # noqa: E402


def timed_match(warehouse, run_id: str, full: bool) -> tuple[float, object, dict]:
    from matching.run import run_matching

    with warehouse.connect() as conn:
        start = time.perf_counter()
        report = run_matching(conn, run_id, full=full)
        seconds = time.perf_counter() - start
        parties = dict(conn.fetchall("select mention_id, party_id from matching.party_mention"))
    return seconds, report, parties


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=30000)
    parser.add_argument("--orgs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    from ecif.generate.extracts import generate_extracts
    from ecif.pipeline import build_staging, land_step
    from ecif.warehouse import Warehouse

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        extracts = root / "extracts"
        generate_extracts(extracts, persons=args.persons, orgs=args.orgs, days=2,
                          seed=args.seed)
        dates = sorted(p.name for p in (extracts / "core").iterdir())
        night = Warehouse(f"duckdb:///{root / 'night.duckdb'}")
        land_step(night, extracts, through=dates[0])
        build_staging(night)
        first, _, _ = timed_match(night, "R000001", full=True)
        land_step(night, extracts)
        build_staging(night)
        with night.connect() as conn:
            conn.execute("checkpoint")      # the copy must not miss what is still in the WAL
        shutil.copy(root / "night.duckdb", root / "scratch.duckdb")
        scratch = Warehouse(f"duckdb:///{root / 'scratch.duckdb'}")
        full_s, full_report, full_parties = timed_match(scratch, "R000002", full=True)
        delta_s, delta_report, delta_parties = timed_match(night, "R000002", full=False)

    assert delta_report.mode == "DELTA", delta_report
    differ = {m for m in full_parties.keys() | delta_parties.keys()
              if full_parties.get(m) != delta_parties.get(m)}
    equal = not differ
    lines = [
        machine(),
        "",
        f"`ecif generate --persons {args.persons} --orgs {args.orgs} --days 2 --seed "
        f"{args.seed}`; day 1 matched first (the stored state, {first:.1f} s), then day 2 "
        "matched from scratch on a copy and as a night on the original; matching step only.",
        "",
        "| run | mentions | rescored | clustered again | seconds |",
        "|---|---|---|---|---|",
        f"| from scratch | {full_report.mentions} | {full_report.rescored} | "
        f"{full_report.reclustered} | {full_s:.2f} |",
        f"| DELTA night | {delta_report.mentions} | {delta_report.rescored} | "
        f"{delta_report.reclustered} | {delta_s:.2f} |",
        "",
        f"DELTA / from scratch: **{delta_s / full_s:.0%}**; same parties and ids: "
        f"{'yes' if equal else f'NO ({len(differ)} mentions differ)'}.",
    ]
    print("\n".join(lines))
    if args.write_results:
        write_section("Incremental matching", lines)
    if not equal:
        raise SystemExit("the DELTA night's assignment differs from the run from scratch")


if __name__ == "__main__":
    main()
