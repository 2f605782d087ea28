"""Benchmark `generate_extracts` at 100k and 1M persons (orgs = persons/10, 3 days).

Each size runs in a fresh child process; peak memory is that child's (and its pool
workers') largest resident set, from resource.getrusage(RUSAGE_CHILDREN).ru_maxrss.
Writes a table into the `## Generate` section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_generate.py [--sizes 100000 1000000] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
CHILD = """
import json, sys, time
from pathlib import Path
from ecif.generate.extracts import generate_extracts
persons, out = int(sys.argv[1]), Path(sys.argv[2])
t = time.perf_counter()
counts = generate_extracts(out, persons, persons // 10, 3, seed=1)
print(json.dumps({"seconds": time.perf_counter() - t, "counts": counts}))
"""


def run_size(persons: int, base: Path) -> dict:
    out = base / f"p{persons}"
    shutil.rmtree(out, ignore_errors=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_maxrss
    cpu_before = usage.ru_utime + usage.ru_stime
    load = os.getloadavg()[0]
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(persons), str(out)],
                          check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    rows = sum(v for k, v in res["counts"].items() if k != "truth_mentions")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    shutil.rmtree(out, ignore_errors=True)
    return {"persons": persons, "orgs": persons // 10, "wall": wall,
            "inner": res["seconds"], "rows": rows, "mentions": res["counts"]["truth_mentions"],
            "peak_mb": max(peak_kb, before) / 1024, "bytes": size, "cpu": cpu, "load": load}


def machine() -> str:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return f"`{' '.join(platform.uname())}`; nproc {os.cpu_count()}; RAM {mem}"


def section(results: list[dict]) -> str:
    lines = [
        "## Generate", "",
        f"Measured {datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}.",
        "`generate_extracts(persons=N, orgs=N/10, days=3, seed=1)`, default workers "
        "(2 processes from 100k persons). Wall = child process incl. interpreter start; "
        "rows = data rows over all files and days; peak RSS = largest single process "
        "(parent or pool worker), `getrusage(RUSAGE_CHILDREN).ru_maxrss`. CPU s = user + "
        "system time of the child and its workers: on a shared machine it shows whether the "
        "work scales, whatever the wall time; load = 1-minute load average at the start "
        "(other sessions included).", "",
        "| persons | orgs | wall s | CPU s | load | rows written | rows/s | truth mentions "
        "| output MB | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r['persons']:,} | {r['orgs']:,} | {r['wall']:.1f} | {r['cpu']:.1f} | "
                     f"{r['load']:.1f} | {r['rows']:,} | "
                     f"{r['rows'] / r['inner']:,.0f} | {r['mentions']:,} | "
                     f"{r['bytes'] / 2**20:,.0f} | {r['peak_mb']:,.0f} |")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace only the `## Generate` section; keep everything else in the file."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## Generate\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    base = args.out or Path(tempfile.mkdtemp(prefix="bench_generate_"))
    results = []
    for n in args.sizes:
        r = run_size(n, base)
        print(f"{n:>9,} persons: {r['wall']:.1f}s, {r['rows']:,} rows, "
              f"peak {r['peak_mb']:.0f} MB", flush=True)
        results.append(r)
    write_section(section(results))


if __name__ == "__main__":
    main()
