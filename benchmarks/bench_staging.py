"""Staging build time: `dbt build` of seeds, staging, intermediate and quality models
(with all their data and unit tests) on DuckDB, after landing generated extracts.

    .venv/bin/python benchmarks/bench_staging.py --persons 100000 1000000 [--write-results]

Each size runs in its own subprocess (generate → land → build), so its peak RSS is
its own; dbt runs in-process there too, so the figure includes dbt.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import machine, write_section  # noqa: E402


def measure(persons: int, work: Path) -> dict:
    from ecif.generate.extracts import generate_extracts
    from ecif.pipeline import build_staging, land_step
    from ecif.warehouse import Warehouse

    extracts = work / "extracts"
    if not (extracts / "ground_truth").exists():
        generate_extracts(extracts, persons, persons // 10, days=3, seed=3)
    db = work / "bench.duckdb"
    db.unlink(missing_ok=True)
    warehouse = Warehouse(f"duckdb:///{db}")
    start = time.perf_counter()
    landed = land_step(warehouse, extracts).rows_loaded
    land_s = time.perf_counter() - start
    start = time.perf_counter()
    nodes = build_staging(warehouse)
    build_s = time.perf_counter() - start
    with warehouse.connect() as conn:
        mentions = conn.scalar("select count(*) from intermediate.int_party_mention")
        exceptions = conn.scalar("select count(*) from quality.dq_exception")
    return {"persons": persons, "raw_rows": landed, "land_s": land_s, "build_s": build_s,
            "nodes": nodes, "mentions": mentions, "exceptions": exceptions,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench_staging")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work = args.work / str(args.child)
        work.mkdir(parents=True, exist_ok=True)
        print(json.dumps(measure(args.child, work)))
        return
    rows = []
    for persons in args.persons:
        out = subprocess.run([sys.executable, __file__, "--work", str(args.work),
                              "--child", str(persons)], check=True, capture_output=True,
                             text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(result)
        rows.append(result)
    if args.write_results:
        write_section("Staging build", [
            machine(),
            "Generated extracts (orgs = persons/10, 3 days) landed into a fresh DuckDB file, "
            "then `dbt build --exclude marts`: seeds, 8 staging views, int_mention_union, "
            "int_name_pinyin, int_party_mention, quality.dq_exception and every data and unit "
            "test on them (`ecif.pipeline.build_staging`, the step `ecif run` uses). Peak RSS "
            "is the measuring process's `ru_maxrss` (dbt runs in-process).",
            "",
            "| persons | raw rows | land s | staging build s | raw rows/s through staging "
            "| dbt nodes | mentions | dq exceptions | peak RSS MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *(f"| {r['persons']:,} | {r['raw_rows']:,} | {r['land_s']:.1f} | "
              f"{r['build_s']:.1f} | {r['raw_rows'] / r['build_s']:,.0f} | {r['nodes']} | "
              f"{r['mentions']:,} | {r['exceptions']:,} | {r['peak_mb']:,.0f} |" for r in rows),
        ])


if __name__ == "__main__":
    main()
