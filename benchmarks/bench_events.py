"""The change feed's cost (issue 14): event writing per nightly and webhook delivery.

    .venv/bin/python benchmarks/bench_events.py --persons 20000 [--days 3] [--write-results]

Generates the extracts (orgs = persons/10), runs `ecif run` night by night on one
DuckDB warehouse (night 1: the FULL batches, announced as CREATED; then one DELTA day
per night) and reports per night the events published, the publish step's seconds
(diff + outbox + publication, one transaction), events/s and its share of the
night. Then delivers the last `--deliver` events to a receiver on 127.0.0.1 that
answers 200 at once (`dispatch_once`, one subscription, signed CloudEvents over HTTP).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import machine, write_section  # noqa: E402

START = date(2026, 11, 1)  # the generator's first business date


class Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """quiet"""


def deliver(warehouse, count: int) -> tuple[int, float]:
    from ecif.events import subscriptions
    from ecif.events.dispatcher import Policy, dispatch_once

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with warehouse.connect() as conn:
        subscriptions.ensure_tables(conn)
        last = conn.scalar("select max(seq) from events.customer_change")
        subscriptions.create(conn, f"http://127.0.0.1:{server.server_address[1]}/hook", [],
                             "a-benchmark-secret", "system", "bench", after=max(0, last - count))
    start = time.perf_counter()
    report = dispatch_once(warehouse, Policy(timeout=5))
    seconds = time.perf_counter() - start
    server.shutdown()
    return report.delivered, seconds


def main() -> None:
    from ecif.generate.extracts import business_dates, generate_extracts
    from ecif.pipeline import run_nightly
    from ecif.warehouse import Warehouse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--deliver", type=int, default=5_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench_events")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    work = args.work / f"{args.persons}x{args.days}"
    extracts = work / "extracts"
    if not (extracts / "ground_truth").exists():
        generate_extracts(extracts, args.persons, args.persons // 10, days=args.days, seed=5,
                          start_date=START)
    os.chdir(work)
    (work / "bench.duckdb").unlink(missing_ok=True)
    warehouse = Warehouse(f"duckdb:///{work / 'bench.duckdb'}")
    rows = []
    for number, day in enumerate(business_dates(START, args.days), start=1):
        summary = run_nightly(warehouse, extracts, through=day.strftime("%Y%m%d"))
        total, publish = sum(summary.seconds.values()), summary.seconds["publish"]
        rows.append((number, summary.events, publish, summary.events / publish,
                     publish / total, total))
        print(f"night {number}: {summary.events} events in {publish:.2f}s "
              f"({summary.events / publish:,.0f}/s, {publish / total:.1%} of {total:.1f}s)",
              flush=True)
    delivered, seconds = deliver(warehouse, args.deliver)
    print(f"dispatcher: {delivered} events in {seconds:.1f}s ({delivered / seconds:,.0f}/s)")
    if args.write_results:
        write_section(f"Change feed ({args.persons:,} persons)", [
            machine(),
            f"`benchmarks/bench_events.py --persons {args.persons} --days {args.days} "
            f"--deliver {args.deliver}`: `ecif run` night by night on one DuckDB warehouse "
            "(night 1 FULL: every party CREATED; then a DELTA day per night). `publish` is "
            "the step that diffs the published golden records and cross references against "
            "the previous publication and writes the events and the new publication in one "
            "transaction.",
            "",
            "| night | events | publish s | events/s | share of the night | night s |",
            "|---:|---:|---:|---:|---:|---:|",
            *(f"| {n} | {e:,} | {p:.2f} | {r:,.0f} | {s:.1%} | {t:.1f} |"
              for n, e, p, r, s, t in rows),
            "",
            f"Dispatcher: {delivered:,} events to one subscription, a receiver on 127.0.0.1 "
            f"answering 200 at once: {seconds:.1f} s, **{delivered / seconds:,.0f} events/s** "
            "(one event per request, in seq order, signed; the cursor committed after each).",
        ])


if __name__ == "__main__":
    main()
