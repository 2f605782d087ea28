"""Landing speed: `land()` into a fresh DuckDB file vs DuckDB's own bare read of the same files.

    .venv/bin/python benchmarks/bench_landing.py --persons 100000 1000000 [--write-results]

For each population size the extracts are written once by
`ecif.generate.extracts.generate_extracts`, then two measurements run side by side,
each in its own subprocess so that `ru_maxrss` is that measurement's peak memory:

- land: `ecif.landing.loader.land()` into a fresh DuckDB file (verification,
  md5, strict decoding, parsing, op checks, op log, bookkeeping included);
- bare: DuckDB's plain `read_csv`/`read_json` (all VARCHAR) of every data file
  into a fresh DuckDB file, no verification. DuckDB cannot decode GBK without
  downloading an extension, so for core the bare read is Python's GBK decode to
  a UTF-8 temp file + `read_csv` of it.

Results (rows/s, land/bare ratio, peak RSS) go to the `## Landing` section of
benchmarks/RESULTS.md with `--write-results`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import machine, write_section  # noqa: E402
from ecif.extract_spec import BY_NAME, FORMATS  # noqa: E402


def write_extracts(out: Path, persons: int) -> str:
    from ecif.generate.extracts import generate_extracts

    generate_extracts(out, persons=persons, orgs=max(1, persons // 20), days=2, seed=7)
    return "ecif.generate.extracts.generate_extracts (days=2)"


# ---------------------------------------------------------------- measurements (child side)


def measure_land(extracts: Path, db: Path) -> dict:
    import pyarrow as pa

    from ecif.landing.loader import land
    from ecif.warehouse import Warehouse

    pa.chunked_array([["x"]]).cast(pa.string())  # pyarrow's lazy pandas import: start-up cost
    started = time.perf_counter()
    report = land(Warehouse(f"duckdb:///{db}"), extracts)
    seconds = time.perf_counter() - started
    if report.rejected:
        raise SystemExit("\n".join(report.summary_lines()))
    return {"seconds": seconds, "rows": report.rows_loaded}


def measure_bare(extracts: Path, db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db))
    rows = 0
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(dir=db.parent))
    for system_dir in sorted(p for p in extracts.iterdir() if p.name in FORMATS):
        for path in sorted(system_dir.glob("*/*")):
            if path.suffix == ".ok":
                continue
            spec = BY_NAME[(system_dir.name, path.stem)]
            table = f"{spec.raw_table}__{path.parent.name}"
            fmt = spec.fmt.file_format
            if fmt == "jsonl":
                cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in spec.columns) + "}"
                source = f"read_json('{path}', format='newline_delimited', columns={cols})"
            elif fmt == "csv":
                source = (f"read_csv('{path}', header=true, all_varchar=true, delim=',', "
                          "quote='\"', escape='\"')")
            else:
                if fmt == "pipe":  # DuckDB has no GBK decoder without a download
                    utf8 = tmp / f"{table}.txt"
                    utf8.write_bytes(path.read_bytes().decode("gbk").encode("utf-8"))
                    path = utf8
                delim = "|" if fmt == "pipe" else "\\t"
                source = (f"read_csv('{path}', header=true, all_varchar=true, "
                          f"delim=E'{delim}', quote='', escape='')") if fmt != "pipe" else (
                          f"read_csv('{path}', header=true, all_varchar=true, delim='|', "
                          "quote='', escape='')")
            con.execute(f"create table {table} as select * from {source}")
            rows += con.execute(f"select count(*) from {table}").fetchone()[0]
    seconds = time.perf_counter() - started
    con.close()
    shutil.rmtree(tmp)
    return {"seconds": seconds, "rows": rows}


def child(mode: str, extracts: Path, db: Path) -> None:
    if mode.startswith("write"):  # in its own process: the parent stays small, so
        persons = int(str(db))     # measurement children do not inherit its peak RSS
        print(json.dumps({"source": write_extracts(extracts, persons)}))
        return
    result = (measure_land if mode == "land" else measure_bare)(extracts, db)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(mode: str, extracts: Path, db: Path) -> dict:
    if db.suffix == ".duckdb" and db.exists():
        db.unlink()
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(extracts), str(db)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- orchestration and results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: tmp)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "EXTRACTS", "DB"))
    args = parser.parse_args()
    if args.child:
        mode, extracts, db = args.child
        return child(mode, Path(extracts), Path(db))

    work = args.work or Path(tempfile.mkdtemp(prefix="bench_landing_"))
    table = ["| persons | data rows | files MB | land s | bare s | land rows/s | bare rows/s "
             "| land/bare | land peak RSS MB | bare peak RSS MB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    source = ""
    for persons in args.persons:
        extracts = work / f"extracts_{persons}"
        if extracts.exists():
            shutil.rmtree(extracts)
        t0 = time.perf_counter()
        source = run_child("write", extracts,
                           Path(str(persons)))["source"]
        size = sum(p.stat().st_size for p in extracts.rglob("*") if p.is_file()) / 2**20
        print(f"{persons:,} persons: wrote {size:.0f} MB in {time.perf_counter() - t0:.0f}s",
              flush=True)
        best: dict[str, dict] = {}
        for _ in range(args.repeat):
            for mode in ("bare", "land"):
                r = run_child(mode, extracts, work / f"{mode}.duckdb")
                print(f"  {mode}: {r}", flush=True)
                if mode not in best or r["seconds"] < best[mode]["seconds"]:
                    best[mode] = r
        land_r, bare_r = best["land"], best["bare"]
        assert land_r["rows"] == bare_r["rows"], (land_r, bare_r)
        rows = land_r["rows"]
        table.append(
            f"| {persons:,} | {rows:,} | {size:.0f} | {land_r['seconds']:.1f} | "
            f"{bare_r['seconds']:.1f} | {rows / land_r['seconds']:,.0f} | "
            f"{rows / bare_r['seconds']:,.0f} | {land_r['seconds'] / bare_r['seconds']:.2f}x | "
            f"{land_r['max_rss_mb']:,.0f} | {bare_r['max_rss_mb']:,.0f} |")
        shutil.rmtree(extracts)
    lines = [
        machine(),
        f"Extracts: {source}. Command: `.venv/bin/python benchmarks/bench_landing.py "
        f"--persons {' '.join(map(str, args.persons))} --write-results`.",
        "",
        "`land` = `ecif.landing.loader.land()` into a fresh DuckDB file (control file, md5, "
        "strict decoding, header/field-count/op/key checks, op log, bookkeeping). `bare` = "
        "DuckDB `read_csv`/`read_json` (all VARCHAR) of the same files into a fresh DuckDB "
        "file without verification; for GBK core it is Python's GBK decode to a UTF-8 temp file "
        "plus `read_csv` (DuckDB cannot decode GBK without downloading an extension). Each "
        "figure is one subprocess; peak RSS is its `ru_maxrss`. Target: land/bare <= 3x.",
        "",
        *table,
    ]
    print("\n".join(lines))
    if args.write_results:
        write_section("Landing", lines)
    return None


if __name__ == "__main__":
    main()
