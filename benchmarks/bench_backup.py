"""Backup and restore: time, CPU, memory and size of `ecif backup` and `ecif restore`
(issue 15).

    ecif generate --persons 1000000 --orgs 100000 --days 2 --seed 7 --out X
    ecif run --extracts X --warehouse URL --through 20261101
    .venv/bin/python benchmarks/bench_backup.py --warehouse URL --into URL2 \
        --out DIR [--write-results]

Runs `ecif backup --out DIR --warehouse URL`, then `ecif restore --from DIR` into
URL2, an empty warehouse (a DuckDB file of the same name in another folder, not there
yet; or a PostgreSQL database that does not exist yet, created empty), each as its own
process, and reports the wall time, the CPU time and the peak RSS of the command and
the client tools it starts (`pg_dump`, `pg_restore`), the backup's size on disk and the restored
warehouse's size. The load average beside each says how quiet the machine was.
`--write-results` replaces the engine's section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import machine, write_section  # noqa: E402
from ecif.backup import MANIFEST, backups  # noqa: E402
from ecif.warehouse import Warehouse, resolve  # noqa: E402

ECIF = Path(sys.executable).with_name("ecif")


@dataclass
class Measured:
    wall: float
    cpu: float          # user + system seconds, the command's and its children's
    peak_rss: int       # bytes, the largest of the command and its children
    load: float         # the 1-minute load average when the command ended


def measure(args: list[str]) -> Measured:
    """Run `ecif <args>`; wait4 gives the rusage of the process and of every child
    it waited for (pg_dump, pg_restore)."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(ECIF), *args])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"ecif {' '.join(args)} exited with {proc.returncode}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
                    os.getloadavg()[0])


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def warehouse_size(warehouse: Warehouse) -> int:
    """The DuckDB file, or the PostgreSQL database with its indexes."""
    if warehouse.kind == "duckdb":
        return warehouse.duckdb_path.stat().st_size
    with warehouse.connect() as conn:
        return conn.scalar("select pg_database_size(current_database())")


def described(warehouse: Warehouse) -> str:
    with warehouse.connect() as conn:
        customers = conn.scalar("select count(*) from marts.customer")
        records = conn.scalar("select count(*) from marts.customer_xref")
    return f"{customers:,} customers with {records:,} source records"


def create_empty(warehouse: Warehouse) -> None:
    """The restore's target: a new DuckDB file, or an empty PostgreSQL database."""
    if warehouse.kind == "duckdb":
        if warehouse.duckdb_path.exists():
            raise SystemExit(f"--into {warehouse.duckdb_path} exists: give a new file")
        return
    params = warehouse.pg_params
    # the same server and login (password included), its maintenance database
    admin = Warehouse(urlunparse(urlparse(warehouse.url)._replace(path="/postgres")))
    with admin.connect() as conn:
        if conn.scalar("select count(*) from pg_database where datname = ?",
                       [params["dbname"]]):
            raise SystemExit(f"--into database {params['dbname']} exists: give a new one")
        conn.execute(f'create database "{params["dbname"]}"')


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB" if size >= 2**30 else f"{size / 2**20:.0f} MiB"


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s" if seconds >= 60 else f"{seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", required=True, help="the warehouse to back up")
    parser.add_argument("--into", required=True, help="an empty warehouse to restore into")
    parser.add_argument("--out", type=Path, required=True, help="the backups' folder")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    source, target = resolve(args.warehouse), resolve(args.into)
    create_empty(target)
    taken = measure(["backup", "--out", str(args.out), "--warehouse", args.warehouse])
    folder = backups(args.out)[-1]
    tables = len(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["tables"])
    put_back = measure(["restore", "--from", str(folder), "--warehouse", args.into])
    rows = [("`ecif backup`", taken, folder_size(folder), "the backup folder"),
            ("`ecif restore` into an empty warehouse, every table checked", put_back,
             warehouse_size(target), "the restored warehouse")]
    engine = "DuckDB" if source.kind == "duckdb" else "PostgreSQL"
    lines = [machine(),
             f"`benchmarks/bench_backup.py`: the {engine} warehouse held "
             f"{described(target)} ({gib(warehouse_size(source))} on disk); the manifest "
             f"lists {tables} tables with their row counts and checksums. CPU and peak RSS "
             "include the client tools the command starts (`pg_dump`, `pg_restore`); load "
             "is the 1-minute load average when the command ended (2 CPUs: near 1 or less "
             "is a quiet machine).",
             "",
             "| command | wall | CPU | peak RSS | size | load |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, m, size, what in rows:
        lines.append(f"| {name} | {minutes(m.wall)} | {m.cpu:.0f} s | {gib(m.peak_rss)} "
                     f"| {gib(size)} ({what}) | {m.load:.1f} |")
    encrypted = "encrypted (ECIF_BACKUP_KEY set)" if os.environ.get("ECIF_BACKUP_KEY") \
        else "not encrypted (ECIF_BACKUP_KEY unset)"
    lines += ["", f"The backup is {encrypted}."]
    print("\n".join(lines))
    if args.write_results:
        write_section(f"Backup and restore on {engine}", lines)


if __name__ == "__main__":
    main()
