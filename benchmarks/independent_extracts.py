"""An independent data set for measuring match quality: same source contract
(shared/specs/source-extracts.md), made by other means than `ecif.generate`.

    .venv/bin/python benchmarks/independent_extracts.py OUT [--persons N] [--orgs M]
        [--days D] [--seed S] [--dirt X]

--dirt multiplies every dirt rate (typos, missing or badly laid-out values; default 1.0):
`--dirt 2.0` is the harder set the match benchmark reports beside the normal ones.

Writes OUT/<system>/<YYYYMMDD>/<entity>.<ext> + .ok (day 1 FULL, later days DELTA) and
OUT/ground_truth/{mentions,entities,relations}.csv. Nothing here imports ecif.generate.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):   # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faker import Faker  # noqa: E402

from benchmarks.independent import assemble, history, smudge  # noqa: E402
from benchmarks.independent import sources as src  # noqa: E402
from benchmarks.independent.book import Book  # noqa: E402
from benchmarks.independent.files import write_extracts, write_truth  # noqa: E402
from benchmarks.independent.people import CUSTOMERS_PER_AGENT, make_orgs, make_people  # noqa: E402

START = date(2026, 9, 14)
KEY_COLUMNS = {("core", "customer"): "cust_no", ("core", "policy"): "policy_no",
               ("uw", "uw_case"): "case_id", ("claims", "claim"): "claim_no",
               ("telesales", "lead"): "lead_id", ("telesales", "contact_event"): "event_id",
               ("finance", "receipt"): "receipt_no", ("finance", "payout"): "payout_no"}


def write_independent_extracts(out_dir: Path, persons: int, orgs: int, seed: int,
                               days: int = 3, dirt: float = 1.0) -> dict[str, int]:
    """Writes the data set; returns data rows per '<system>.<entity>' and 'truth_mentions'."""
    if dirt <= 0:
        raise ValueError("dirt must be > 0 (1.0: the normal set)")
    if days < 2:
        raise ValueError("days must be >= 2 (one FULL day and at least one DELTA day)")
    out_dir = Path(out_dir)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    people = make_people(fake, rng, persons, START)
    n_agents = max(1, persons // CUSTOMERS_PER_AGENT)
    org_list = make_orgs(fake, rng, orgs, n_agents)
    ctx = src.Ctx(fake, rng, START, days, people, org_list,
                  [fake.phone_number() for _ in range(n_agents)], Book(), smudge.Dirt(dirt))
    keys = src.Keys()
    cust_of_org: dict[int, str] = {}
    for o in org_list:
        assemble.add_org(ctx, keys, o, cust_of_org)
    cust_of: dict[int, str] = {}
    for i, p in enumerate(people):
        assemble.add_person(ctx, keys, i, p, cust_of)
    mutators = {("core", "customer"): src.mutate_customer(ctx),
                ("core", "policy"): src.mutate_policy(ctx),
                ("uw", "uw_case"): src.mutate_uw(ctx),
                ("claims", "claim"): src.mutate_claim(ctx),
                ("telesales", "lead"): src.mutate_lead(ctx),
                ("telesales", "contact_event"): src.mutate_event(ctx),
                ("finance", "receipt"): src.mutate_payment(ctx),
                ("finance", "payout"): src.mutate_payment(ctx)}
    history.apply_history(ctx.book, rng, days, mutators, KEY_COLUMNS)
    dates = [START + timedelta(days=i) for i in range(days)]
    counts = write_extracts(out_dir, ctx.book, dates, rng)
    counts["truth_mentions"] = write_truth(out_dir, ctx.book, dates, people, org_list)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--persons", type=int, default=10_000)
    ap.add_argument("--orgs", type=int, default=None, help="default persons/10")
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--dirt", type=float, default=1.0,
                    help="multiply every dirt rate (2.0: twice the dirt)")
    a = ap.parse_args(argv)
    t = time.perf_counter()
    counts = write_independent_extracts(a.out, a.persons, a.orgs if a.orgs is not None
                                        else a.persons // 10, a.seed, a.days, a.dirt)
    rows = sum(v for k, v in counts.items() if k != "truth_mentions")
    print(f"{rows:,} data rows, {counts['truth_mentions']:,} truth mentions in "
          f"{time.perf_counter() - t:.1f} s -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
