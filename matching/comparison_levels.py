"""A Splink comparison written as plain SQL levels, for levels the library lacks."""

from __future__ import annotations

from typing import Any


def levels(name: str, ordered: list[tuple[str, str]], null: str,
           tf: dict[str, str] | None = None) -> dict[str, Any]:
    """ordered: (label, sql condition) from strongest to weakest; `else` is added.

    tf maps a label to the column whose value frequency adjusts that level's weight.
    """
    tf = tf or {}
    return {
        "output_column_name": name,
        "comparison_levels": [
            {"sql_condition": null, "label_for_charts": "null", "is_null_level": True},
            *({"sql_condition": sql, "label_for_charts": label,
               **({"tf_adjustment_column": tf[label], "tf_adjustment_weight": 1.0}
                  if label in tf else {})}
              for label, sql in ordered),
            {"sql_condition": "ELSE", "label_for_charts": "all other"},
        ],
    }
