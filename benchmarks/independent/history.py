"""DELTA days: updates and deletes of rows already sent, late inserts (rarely as U), and
the occasional D for a key that never existed (spec §3)."""

from __future__ import annotations

import random
from collections.abc import Callable

from benchmarks.independent.book import Book, Version

UPDATE_RATE = 0.015            # per live row and DELTA day
DELETE_RATE = 0.003
LATE_AS_U_RATE = 0.05          # late inserts sent as U (an unknown key for the target)
UNKNOWN_DELETE_RATE = 0.5      # DELTA files carrying one D for a key never sent

Mutator = Callable[[random.Random, Version, int], Version]


def apply_history(book: Book, rng: random.Random, days: int,
                  mutators: dict[tuple[str, str], Mutator], key_of: dict[tuple[str, str], str]
                  ) -> None:
    for ent, keys in book.entities.items():
        mutate = mutators.get(ent)
        for versions in keys.values():
            if versions[0].day > 1 and rng.random() < LATE_AS_U_RATE:
                versions[0].op = "U"
        for day in range(2, days + 1):
            for versions in keys.values():
                last = versions[-1]
                if last.day >= day or last.op == "D":
                    continue
                r = rng.random()
                if r < UPDATE_RATE and mutate is not None:
                    new = mutate(rng, last, day)
                    versions.append(Version(day, "U", new.row, new.parties))
                elif UPDATE_RATE <= r < UPDATE_RATE + DELETE_RATE:
                    key = key_of[ent]
                    row = {key: last.row[key]}
                    versions.append(Version(day, "D", row, last.parties))
            if rng.random() < UNKNOWN_DELETE_RATE:
                ghost = f"X{day:02d}{rng.randrange(10**8):08d}"
                keys[ghost] = [Version(day, "D", {key_of[ent]: ghost}, {})]
