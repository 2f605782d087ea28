"""A saved Splink model (matching/models/*.json) evaluated in Python on a handful of
candidate pairs, for real-time identification.

Running Splink's own predict for one incoming record costs far more than the pairs
are worth; the model's levels (matching.model_levels) hold each level's SQL condition
and weight, so the match weight is the prior's log-odds plus the weight of the first
level each comparison meets — the nightly formula without its
term-frequency adjustments (a very common name or shared mobile scores slightly higher
here than at night; identification only suggests, the nightly run decides). The
conditions are compiled once to Python (ecif.service.sql_python): they read the
shaped columns of the left (`_l`, the incoming record) and right (`_r`) mention.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlglot import exp

from ecif.service.sql_python import Compiled, compile_expression, parse
from matching.model_levels import saved_model

Mention = dict[str, Any]


@dataclass(frozen=True)
class Level:
    condition: Compiled | None      # None: the ELSE level
    weight: float
    label: str | None               # None: a null level, left out of the reason


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class PairModel:
    prior_weight: float
    comparisons: tuple[Comparison, ...]
    columns: frozenset[str]         # the shaped mention columns the conditions read

    def score(self, left: Mention, right: Mention) -> tuple[float, str]:
        """(match weight, reason: the level met by each comparison)."""
        pair = (left, right)
        weight, reasons = self.prior_weight, []
        for comparison in self.comparisons:
            level = next(lv for lv in comparison.levels
                         if lv.condition is None or lv.condition(pair) is True)
            # summed in the model's order, as the nightly SQL adds them
            weight += level.weight
            if level.label is not None:
                reasons.append(f"{comparison.name}: {level.label}")
        return weight, "; ".join(reasons)


@cache
def pair_model(model: Path) -> PairModel:
    saved = saved_model(model)
    columns: set[str] = set()
    comparisons = []
    for comparison in saved.comparisons:
        levels = []
        for level in comparison.levels:
            condition = None
            if level.sql is not None:
                tree = parse(level.sql)
                columns |= {c.name[:-2] for c in tree.find_all(exp.Column)}
                condition = compile_expression(tree, _side_column)
            levels.append(Level(condition, level.weight, level.label))
        comparisons.append(Comparison(comparison.name, tuple(levels)))
    return PairModel(saved.prior_weight, tuple(comparisons), frozenset(columns))


@cache
def pair_condition(sql: str) -> Compiled:
    """A SQL condition over `_l`/`_r` columns (e.g. person_model.CORROBORATED), compiled."""
    return compile_expression(parse(sql), _side_column)


def _side_column(name: str) -> Compiled:
    """`x_l` is column x of the left mention, `x_r` of the right one."""
    base, side = name[:-2], name[-2:]
    if side not in ("_l", "_r"):
        raise ValueError(f"model column {name!r} names neither side of the pair")
    index = 0 if side == "_l" else 1
    return lambda pair: pair[index][base]
