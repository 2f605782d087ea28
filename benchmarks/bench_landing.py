"""Landing speed: `land()` into a fresh DuckDB file vs DuckDB's own bare read of the same files.

    .venv/bin/python benchmarks/bench_landing.py --persons 100000 1000000 [--write-results]

For each population size the extracts are written once (by
`ecif.generate.extracts.generate_extracts` when it exists, else by the small
synthetic writer below: one FULL day of every entity in the contract formats),
then two measurements run side by side, each in its own subprocess so that
`ru_maxrss` is that measurement's peak memory:

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
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecif.extract_spec import BY_NAME, ENTITIES, FORMATS  # noqa: E402
from ecif.landing.control_file import ControlFile  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Landing"
DAY = "20240301"

# ---------------------------------------------------------------- synthetic extracts

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
                "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红")
CITIES = ["北京市", "上海市", "广州市", "深圳市", "杭州市", "成都市", "武汉市", "南京市"]
ENTITY_SCALE = {  # rows per person
    ("core", "customer"): 1.0, ("core", "policy"): 1.3, ("uw", "uw_case"): 0.3,
    ("claims", "claim"): 0.1, ("telesales", "lead"): 0.4,
    ("telesales", "contact_event"): 0.8, ("finance", "receipt"): 1.3,
    ("finance", "payout"): 0.08,
}


def _value(rng: np.random.Generator, column: str, n: int, key: str) -> list[str]:
    """n synthetic values for a column: plausible shapes, Chinese text where the data has it."""
    if column == key:
        return [f"{key[:2].upper()}{i:09d}" for i in range(1, n + 1)]
    if column == "op":
        return ["I"] * n
    if column.endswith("name") or column == "legal_rep":
        s = rng.integers(0, len(SURNAMES), n)
        g1 = rng.integers(0, len(GIVEN), n)
        g2 = rng.integers(0, len(GIVEN) + 8, n)
        return [SURNAMES[a] + GIVEN[b] + (GIVEN[c] if c < len(GIVEN) else "")
                for a, b, c in zip(s, g1, g2, strict=True)]
    if "mobile" in column or "phone" in column:
        return [f"1{d}" for d in rng.integers(3_000_000_000, 9_999_999_999, n)]
    if column.endswith("id_no"):
        return [f"{a}19{b:02d}{c:02d}{d:02d}{e:04d}" for a, b, c, d, e in zip(
            rng.integers(110000, 650000, n), rng.integers(40, 99, n), rng.integers(1, 13, n),
            rng.integers(1, 29, n), rng.integers(0, 9999, n), strict=True)]
    if "address" in column or column in ("city", "province", "district"):
        return [CITIES[c] + f"中山路{k}号" for c, k in zip(
            rng.integers(0, len(CITIES), n), rng.integers(1, 999, n), strict=True)]
    if column in ("loss_description", "note"):
        return [f"客户来电，称车辆在{CITIES[c]}追尾, 需要\"尽快\"处理\n第{k}次" for c, k in zip(
            rng.integers(0, len(CITIES), n), rng.integers(1, 9, n), strict=True)]
    if "date" in column or "time" in column or column.endswith("_at"):
        return [f"2023{m:02d}{d:02d}" for m, d in zip(
            rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)]
    if "amount" in column or column in ("premium", "sum_insured"):
        return [str(v) for v in rng.integers(100, 10_000_000, n)]
    return [str(v) for v in rng.integers(0, 100, n)]


def write_synthetic(out: Path, persons: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    for spec in ENTITIES:
        n = max(1, int(persons * ENTITY_SCALE[(spec.system, spec.entity)]))
        fmt = FORMATS[spec.system]
        cols = {c: _value(rng, c, n, spec.key) for c in spec.columns}
        folder = out / spec.system / DAY
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / spec.file_name
        if fmt.file_format == "jsonl":
            names = list(spec.columns)
            lines = (json.dumps(dict(zip(names, vals, strict=True)), ensure_ascii=False)
                     for vals in zip(*cols.values(), strict=True))
            text = "".join(line + "\n" for line in lines)
        elif fmt.file_format == "csv":
            def q(v: str) -> str:
                return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n') else v
            rows = (",".join(map(q, vals)) for vals in zip(*cols.values(), strict=True))
            text = "\ufeff" * (spec.system == "uw") + ",".join(spec.columns) + "\n" + "".join(
                r + "\n" for r in rows)
        else:
            sep = "|" if fmt.file_format == "pipe" else "\t"
            clean = {c: [v.replace("\n", " ") for v in vals] if c in ("note",) else vals
                     for c, vals in cols.items()}
            rows = (sep.join(vals) for vals in zip(*clean.values(), strict=True))
            text = sep.join(spec.columns) + fmt.line_end + "".join(
                r + fmt.line_end for r in rows)
        path.write_bytes(text.encode("gbk" if fmt.encoding == "GBK" else "utf-8"))
        ControlFile.describe(path, system=spec.system, entity=spec.entity, business_date=DAY,
                             extract_type="FULL", encoding=fmt.encoding,
                             rows=n).write(folder / f"{spec.entity}.ok")


def write_extracts(out: Path, persons: int, synthetic: bool = False) -> str:
    if synthetic:
        write_synthetic(out, persons)
        return "synthetic writer in bench_landing.py (one FULL day)"
    try:
        from ecif.generate.extracts import generate_extracts  # type: ignore[import-not-found]
    except ImportError:
        write_synthetic(out, persons)
        return "synthetic writer in bench_landing.py (one FULL day)"
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
        print(json.dumps({"source": write_extracts(extracts, persons, mode == "write-synthetic")}))
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


def machine() -> str:
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    import duckdb
    import pyarrow
    return (f"{' '.join(platform.uname())}; {os.cpu_count()} CPUs; {mem_kb / 2**20:.1f} GiB RAM; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
            f"pyarrow {pyarrow.__version__}")


def write_results(lines: list[str]) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    body = "\n".join([SECTION, "", *lines]).rstrip() + "\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip() + "\n\n" + body
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + ("" if end < 0 else "\n" + text[end + 1:])
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: tmp)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--synthetic", action="store_true",
                        help="use the built-in writer even when the generator exists")
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
        source = run_child("write-synthetic" if args.synthetic else "write", extracts,
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
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
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
        write_results(lines)
    return None


if __name__ == "__main__":
    main()
