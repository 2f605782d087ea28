"""Public entry point: synthetic source extracts for all five systems plus ground truth.

Work is split into independent blocks (block 0: all organizations; then chunks of
persons). Each block is generated from its own seeded stream and serialized to bytes,
possibly in worker processes; the parent appends blocks in order, so the output is
byte-identical for a given seed and arguments whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ecif.extract_spec import ENTITIES, TRUTH_DIR
from ecif.generate import truth
from ecif.generate.population import make_orgs, make_persons, rng_for
from ecif.generate.systems import Context, org_block, person_block
from ecif.generate.tables import n_rows, take
from ecif.generate.writers import ExtractWriter, encode_rows

PERSONS_PER_BLOCK = 50_000
PARALLEL_FROM = 100_000  # persons; below this one process is faster than spawning workers
JSON_OMIT_NULL_RATE = 0.5
UW_BOM_RATE = 0.5


@dataclass
class BlockResult:
    files: list[tuple[int, int, bytes, int]]  # (entity index, day, data, rows)
    mentions: bytes
    mention_rows: int
    entities: bytes
    relations: bytes


def business_dates(start: date, days: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(days)]


def _serialize(ctx: Context, block: int, tables: dict) -> list[tuple[int, int, bytes, int]]:
    out = []
    rng = rng_for(ctx.seed, 5, block)
    for e, spec in enumerate(ENTITIES):
        t = tables.get(spec.entity)
        if not t or n_rows(t) == 0:
            continue
        for day in range(1, ctx.days + 1):
            idx = (t["_day"] == day).nonzero()[0]
            if len(idx) == 0:
                continue
            rows = take(t, idx)
            omit = None
            if spec.fmt.file_format == "jsonl":
                omit = rng.random((len(idx), len(spec.columns))) < JSON_OMIT_NULL_RATE
            out.append((e, day, encode_rows(spec, rows, omit), len(idx)))
    return out


def _build_block(args: tuple[Context, int, int, int]) -> BlockResult:
    ctx, block, lo, hi = args
    orgs = make_orgs(ctx.seed, ctx.orgs, ctx.persons)
    if block == 0:
        tables = org_block(ctx, orgs, None)
        ents, rels = truth.org_entities(orgs), truth.org_relations(orgs)
    else:
        persons = make_persons(ctx.seed, lo, hi, ctx.start)
        tables = person_block(ctx, persons, orgs, block)
        ents, rels = truth.person_entities(persons), truth.person_relations(persons)
    mentions, count = truth.mention_rows(tables, business_dates(ctx.start, ctx.days))
    return BlockResult(_serialize(ctx, block, tables), mentions, count, ents, rels)


def _blocks(ctx: Context) -> list[tuple[Context, int, int, int]]:
    jobs = [(ctx, 0, 0, 0)]
    for b, lo in enumerate(range(0, ctx.persons, PERSONS_PER_BLOCK), start=1):
        jobs.append((ctx, b, lo, min(lo + PERSONS_PER_BLOCK, ctx.persons)))
    return jobs


def _results(ctx: Context, jobs: list, workers: int) -> Iterator[BlockResult]:
    if workers <= 1:
        for job in jobs:
            yield _build_block(job)
        return
    with mp.get_context("fork").Pool(workers, maxtasksperchild=8) as pool:
        yield from pool.imap(_build_block, jobs)


def generate_extracts(out_dir: Path, persons: int, orgs: int, days: int, seed: int,
                      start_date: date = date(2026, 11, 1),
                      on_progress: Callable[[str, int, int], None] | None = None,
                      workers: int | None = None) -> dict[str, int]:
    """Writes out_dir/<system>/<YYYYMMDD>/<entity>.<ext> + .ok for `days` business days
    (day 1 FULL for every entity, later days DELTA with I/U/D), plus ground truth in
    out_dir/ground_truth/ (TRUTH_DIR). Returns row counts per '<system>.<entity>' and
    'truth_mentions'. on_progress(label, done, total) is called as work advances."""
    if persons < 0 or orgs < 0 or days < 1:
        raise ValueError("persons and orgs must be >= 0 and days >= 1")
    out_dir = Path(out_dir)
    ctx = Context(seed, days, start_date, persons, orgs)
    dates = business_dates(start_date, days)
    bom_rng = rng_for(seed, 6)
    bom = {(spec.entity, day): spec.system == "uw" and bool(bom_rng.random() < UW_BOM_RATE)
           for spec in ENTITIES for day in range(1, days + 1)}
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if persons >= PARALLEL_FROM else 1
    jobs = _blocks(ctx)
    writer = ExtractWriter(out_dir, dates, bom)
    truth_dir = out_dir / TRUTH_DIR
    truth_dir.mkdir(parents=True, exist_ok=True)
    counts = {f"{s.system}.{s.entity}": 0 for s in ENTITIES}
    mentions_total = 0
    with (truth_dir / "mentions.csv").open("wb") as fm, \
            (truth_dir / "entities.csv").open("wb") as fe, \
            (truth_dir / "relations.csv").open("wb") as fr:
        fm.write(truth.header(truth.MENTION_COLUMNS))
        fe.write(truth.header(truth.ENTITY_COLUMNS))
        fr.write(truth.header(truth.RELATION_COLUMNS))
        for done, res in enumerate(_results(ctx, jobs, workers), start=1):
            for e, day, data, rows in res.files:
                spec = ENTITIES[e]
                writer.append(spec, day, data, rows)
                counts[f"{spec.system}.{spec.entity}"] += rows
            fm.write(res.mentions)
            fe.write(res.entities)
            fr.write(res.relations)
            mentions_total += res.mention_rows
            if on_progress:
                on_progress("generate", done, len(jobs))
    writer.close()
    counts["truth_mentions"] = mentions_total
    return counts
