"""Matching time and quality: `run_matching` against bare Splink on the same mentions.

    .venv/bin/python benchmarks/bench_matching.py \
        --run LABEL duckdb:///W.duckdb EXTRACTS [--run ...] [--write-results [--section T]]

Each warehouse must hold `intermediate.int_party_mention` and its companions (land +
build staging first, e.g. `ecif run`); EXTRACTS holds ground_truth/mentions.csv.
`matching` = the whole step (`matching.run.run_matching`: read from the warehouse,
strong rules, contract links, Splink predict with the saved models, constrained
clustering, organization suspect groups, stable ids, merge history, bulk write back),
on a fresh matching schema. `bare` = bare Splink on the same shaped mentions already
in memory: the same saved models and blocking rules, `predict` at the suspect weight
+ `cluster_pairwise_predictions_at_threshold` at the merge weight, persons and
organizations. Both run in this process, back to back and alternating `--repeat`
times (default 2) for each data set; the fastest time of each side counts, since
other work on a shared machine only ever slows a run down.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import machine, write_section  # noqa: E402


def bare_splink(warehouse) -> float:
    from splink import DuckDBAPI, Linker

    from matching.mentions import load_mentions, local_duckdb
    from matching.thresholds import load_thresholds
    from matching.training import MODEL_FILES, party_table

    thresholds = load_thresholds()
    local = local_duckdb()
    with warehouse.connect() as conn:
        load_mentions(conn, local)
    start = time.perf_counter()
    for party_type, threshold in (("P", thresholds.person_merge), ("O", thresholds.org_suspect)):
        linker = Linker(DuckDBAPI(connection=local).register(party_table(local, party_type)),
                        str(MODEL_FILES[party_type]), log_level=logging.WARNING)
        predictions = linker.inference.predict(
            threshold_match_weight=min(thresholds.person_suspect, thresholds.org_suspect),
            warning_mode="never")
        linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_weight=threshold)
    seconds = time.perf_counter() - start
    local.close()
    return seconds


def full_matching(warehouse) -> tuple[float, object]:
    from matching.run import run_matching

    with warehouse.connect() as conn:
        conn.execute("drop schema if exists matching cascade")
        start = time.perf_counter()
        report = run_matching(conn, "R000001")
        return time.perf_counter() - start, report


def main() -> None:
    from ecif.warehouse import Warehouse
    from matching.evaluation import evaluate, read_truth

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", nargs=3, action="append", required=True,
                        metavar=("LABEL", "WAREHOUSE", "EXTRACTS"))
    parser.add_argument("--repeat", type=int, default=2,
                        help="alternate bare and matching this often; the fastest of each counts")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--section", default="Matching",
                        help="the RESULTS.md section the figures replace (e.g. a harder set's "
                             "own, beside the main one)")
    args = parser.parse_args()
    results = []
    for label, url, extracts in args.run:
        warehouse = Warehouse(url)
        bare, matched = [], []
        for _ in range(args.repeat):
            bare.append(bare_splink(warehouse))
            matched.append(full_matching(warehouse))
        bare_s = min(bare)
        match_s, report = min(matched, key=lambda timed: timed[0])
        with warehouse.connect() as conn:
            quality = evaluate(conn, read_truth(Path(extracts)))
        row = {"label": label, "mentions": report.mentions, "parties": report.parties,
               "match_s": match_s, "bare_s": bare_s, "ratio": match_s / bare_s}
        print(row)
        for q in quality:
            print(q.party_type, f"P {q.precision:.5f} R {q.recall:.5f} F1 {q.f1:.5f} "
                  f"found {q.found_recall:.5f} over-merged {q.over_merged} "
                  f"{q.over_merged_by_trap} {_queue(q)}")
        results.append((row, quality))
    if args.write_results:
        _write(results, args.section)


def _write(results: list[tuple[dict, list]], section: str) -> None:
    lines = [machine(), "", "Command: `.venv/bin/python benchmarks/bench_matching.py "
             "--run LABEL W EXTRACTS ... --write-results`. " + " ".join(
                 __doc__.split("\n\n")[2].split()), "",
             "| data | mentions | parties | matching s | bare Splink s | ratio |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {row['label']} | {row['mentions']:,} | {row['parties']:,} | "
              f"{row['match_s']:.1f} | {row['bare_s']:.1f} | {row['ratio']:.2f}x |"
              for row, _ in results]
    lines += ["", "| data | party type | precision | recall | F1 | found recall | "
              "over-merged | by trap | review queue |",
              "|---|---|---:|---:|---:|---:|---:|---|---|"]
    lines += [f"| {row['label']} | {q.party_type} | {q.precision:.5f} | {q.recall:.5f} | "
              f"{q.f1:.5f} | {q.found_recall:.5f} | {q.over_merged} | "
              f"{', '.join(f'{k} {v}' for k, v in sorted(q.over_merged_by_trap.items())) or '-'}"
              f" | {_queue(q)} |" for row, quality in results for q in quality]
    lines += ["", "found recall: a true pair merged, or (persons) inside one review task, "
              "(organizations) inside one suspect group. Review queue: person party pairs "
              "queued, as a share of the person parties, and the share of them that are one "
              "person (matching.review_tasks)."]
    write_section(section, lines)


def _queue(q) -> str:
    if q.party_type != "P":
        return "-"
    true = f"{q.queue_precision:.0%} true" if q.queue_precision is not None else "empty"
    return f"{q.queued_pairs:,} pairs ({q.queue_share:.1%} of {q.parties:,} parties), {true}"


if __name__ == "__main__":
    main()
