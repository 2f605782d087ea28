"""Every row version the sources send, per entity and key, with who is behind it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

TRAP_LABELS = ("placeholder_id", "placeholder_mobile", "agent_mobile", "spouse", "twin",
               "common_name", "sister_company", "branch")


@dataclass
class Party:
    eid: str
    ptype: str                       # P / O
    traps: set[str] = field(default_factory=set)
    dirt: set[str] = field(default_factory=set)


@dataclass
class Version:
    day: int
    op: str
    row: dict
    parties: dict[str, Party]


class Book:
    def __init__(self) -> None:
        self.entities: dict[tuple[str, str], dict[str, list[Version]]] = {}

    def add(self, system: str, entity: str, key: str, day: int, row: dict,
            parties: dict[str, Party] | None = None, op: str = "I") -> None:
        keys = self.entities.setdefault((system, entity), {})
        if key in keys:
            raise ValueError(f"duplicate key in {system}.{entity}")
        keys[key] = [Version(day, op, row, parties or {})]

    def rows_of_day(self, system: str, entity: str, day: int, rng: random.Random
                    ) -> list[tuple[str, dict]]:
        """(op, row) sent that day, in a shuffled order (sources do not sort by person)."""
        out = [(v.op, v.row) for vs in self.entities.get((system, entity), {}).values()
               for v in vs if v.day == day]
        rng.shuffle(out)
        return out
