"""A saved Splink model (matching/models/*.json) evaluated in Python on a handful of
candidate pairs, for real-time identification.

Running Splink's own predict for one incoming record costs far more than the pairs
are worth; the model file already holds each comparison level's SQL condition and
its m and u probabilities, so the match weight is the prior's log-odds plus
log2(m/u) of the first level each comparison meets — the nightly formula without its
term-frequency adjustments (a very common name or shared mobile scores slightly higher
here than at night; identification only suggests, the nightly run decides). The
conditions are compiled once to Python (ecif.service.sql_python): they read the
shaped columns of the left (`_l`, the incoming record) and right (`_r`) mention.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlglot import exp

from ecif.service.sql_python import Compiled, compile_expression, parse

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
    settings = json.loads(model.read_text(encoding="utf-8"))
    prior = settings["probability_two_random_records_match"]
    columns: set[str] = set()
    comparisons = []
    for comparison in settings["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            # a null level, or one training never saw, says nothing either way
            weight = 0.0 if level.get("is_null_level") or not (m and u) else math.log2(m / u)
            label = None if level.get("is_null_level") else level["label_for_charts"]
            condition = None
            if level["sql_condition"] != "ELSE":
                tree = parse(level["sql_condition"])
                columns |= {c.name[:-2] for c in tree.find_all(exp.Column)}
                condition = compile_expression(tree, _side_column)
            levels.append(Level(condition, weight, label))
        if levels[-1].condition is not None:
            levels.append(Level(None, 0.0, "other"))
        comparisons.append(Comparison(comparison["output_column_name"], tuple(levels)))
    return PairModel(math.log2(prior / (1 - prior)), tuple(comparisons), frozenset(columns))


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
