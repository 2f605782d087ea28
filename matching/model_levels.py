"""A saved Splink model (matching/models/*.json) as its comparison levels and what
each is worth: the match weight is the prior's log-odds plus log2(m/u) of the first
level each comparison meets, before term-frequency adjustments.

Read here once for the two readers that explain or redo a score outside Splink: the
stewards' evidence of a suspect pair (matching.review_tasks) and real-time
identification (ecif.service.model_score).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class ModelLevel:
    sql: str | None         # its condition over `_l`/`_r` columns; None: the ELSE level
    weight: float
    label: str | None       # None: a null level (a value missing), which says nothing
    u: float | None = None  # the chance two different people meet it


@dataclass(frozen=True)
class ModelComparison:
    name: str
    levels: tuple[ModelLevel, ...]


@dataclass(frozen=True)
class SavedModel:
    prior_weight: float
    comparisons: tuple[ModelComparison, ...]


    def level(self, comparison: str, label: str) -> ModelLevel:
        return next(lv for c in self.comparisons if c.name == comparison for lv in c.levels
                    if lv.label == label)


@cache
def saved_model(model: Path) -> SavedModel:
    settings = json.loads(model.read_text(encoding="utf-8"))
    prior = settings["probability_two_random_records_match"]
    comparisons = []
    for comparison in settings["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            # a null level, or one training never saw, says nothing either way
            weight = 0.0 if level.get("is_null_level") or not (m and u) else math.log2(m / u)
            label = None if level.get("is_null_level") else level["label_for_charts"]
            sql = None if level["sql_condition"] == "ELSE" else level["sql_condition"]
            levels.append(ModelLevel(sql, weight, label, u))
        if levels[-1].sql is not None:
            levels.append(ModelLevel(None, 0.0, "other"))
        comparisons.append(ModelComparison(comparison["output_column_name"], tuple(levels)))
    return SavedModel(math.log2(prior / (1 - prior)), tuple(comparisons))
