"""A saved Splink model (matching/models/*.json) evaluated as plain SQL on a handful of
candidate pairs, for real-time identification.

Running Splink's own predict for one incoming record costs far more than the pairs
are worth; the model file already holds each comparison level's SQL condition and
its m and u probabilities, so the match weight is the prior's log-odds plus
log2(m/u) of the first level each comparison meets — the nightly formula without its
term-frequency adjustments (a very common name or shared mobile scores slightly higher
here than at night; identification only suggests, the nightly run decides).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path


@cache
def weight_sql(model: Path) -> tuple[str, list[str]]:
    """(SQL expression of the total match weight over `_l`/`_r` columns, one SQL
    expression per comparison giving the label of the level met)."""
    settings = json.loads(model.read_text(encoding="utf-8"))
    prior = settings["probability_two_random_records_match"]
    terms, labels = [f"{math.log2(prior / (1 - prior))!r}"], []
    for comparison in settings["comparisons"]:
        weights, names = [], []
        for level in comparison["comparison_levels"]:
            condition = level["sql_condition"]
            m, u = level.get("m_probability"), level.get("u_probability")
            # a null level, or one training never saw, says nothing either way
            weight = 0.0 if level.get("is_null_level") or not (m and u) else math.log2(m / u)
            # a null level is left out of the reason (concat_ws skips nulls)
            label = ("null" if level.get("is_null_level")
                     else "'" + level["label_for_charts"].replace("'", "''") + "'")
            if condition == "ELSE":
                weights.append(f"else {weight!r} end")
                names.append(f"else {label} end")
            else:
                weights.append(f"when {condition} then {weight!r}")
                names.append(f"when {condition} then {label}")
        if not weights[-1].startswith("else"):
            weights.append("else 0.0 end")
            names.append("else 'other' end")
        terms.append("(case " + " ".join(weights) + ")")
        labels.append(f"'{comparison['output_column_name']}: ' || (case "
                      + " ".join(names) + ")")
    return " + ".join(terms), labels
