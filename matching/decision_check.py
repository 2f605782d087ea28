"""The stewards' decisions as a held-out check of the person model (issue 16, item 2).

Every standing steward decision on persons is a labelled pair of mentions
(`matching.link_constraint`: `MUST` from a merge, one person; `CANNOT` from a split or a
rejected suspect, two people). `ecif train-model --with-decisions` scores those pairs
with a saved model, exactly as the nightly does (Splink, with the mobile frequencies),
and reports its precision and recall at the merge and the suspect weight, with
Splink's threshold chart. The nightly goes on honouring each decision as a constraint
whatever the model says; this check tells whether the model agrees with the stewards,
before and after a retraining.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from splink import DuckDBAPI, Linker

from ecif.warehouse import Connection
from matching import person_model
from matching.link_constraints import load_constraints
from matching.mentions import load_mentions, local_duckdb
from matching.thresholds import load_thresholds
from matching.training import party_table


@dataclass(frozen=True)
class Agreement:
    """How a model's scores agree with the stewards at one weight."""
    weight: float
    precision: float | None     # of the pairs at or above it, share one person
    recall: float               # of the pairs one person, share at or above it


@dataclass(frozen=True)
class DecisionCheck:
    same: int                   # labelled pairs: one person (MUST)
    different: int              # two people (CANNOT)
    at_merge: Agreement
    at_suspect: Agreement
    chart: Path | None

    def line(self) -> str:
        def shown(a: Agreement) -> str:
            precision = "-" if a.precision is None else f"{a.precision:.3f}"
            return f"precision {precision} recall {a.recall:.3f} at weight {a.weight:g}"
        return (f"{self.same + self.different} steward decision pair(s) ({self.same} one "
                f"person, {self.different} two): {shown(self.at_merge)} (merge); "
                f"{shown(self.at_suspect)} (suspect)")


def labelled_pairs(conn: Connection, uid_of: pd.Series) -> pd.DataFrame:
    """uid_l, uid_r, clerical_match_score of the standing decisions on two
    current person mentions (uid_of: mention_id → uid)."""
    decisions = load_constraints(conn)
    left = decisions["mention_id_a"].map(uid_of)
    right = decisions["mention_id_b"].map(uid_of)
    kept = left.notna() & right.notna() & (left != right)
    return pd.DataFrame({
        "uid_l": left[kept].astype("int64").to_numpy(),
        "uid_r": right[kept].astype("int64").to_numpy(),
        "clerical_match_score": (decisions.loc[kept, "kind"] == "MUST").astype(float).to_numpy(),
    })


def check_model(conn: Connection, model: Path, chart: Path | None = None
                ) -> DecisionCheck | None:
    """None when no standing decision joins or parts two current person mentions."""
    thresholds = load_thresholds()
    local = local_duckdb()
    try:
        load_mentions(conn, local)
        persons = local.execute("select mention_id, uid from mentions where party_type = 'P'"
                                ).df()
        labels = labelled_pairs(conn, pd.Series(persons["uid"].to_numpy(),
                                                index=persons["mention_id"].to_numpy()))
        if labels.empty:
            return None
        db_api = DuckDBAPI(connection=local)
        settings = json.loads(model.read_text(encoding="utf-8"))
        settings["retain_matching_columns"] = True      # Splink's accuracy analysis needs them
        linker = Linker(db_api.register(party_table(local, "P")), settings,
                        log_level=logging.WARNING)
        person_model.register_term_frequencies(linker, db_api, local)
        registered = linker.table_management.register_labels_table(db_api.register(labels))
        table = linker.evaluation.accuracy_analysis_from_labels_table(
            registered, output_type="table").as_pandas_dataframe()
        if chart is not None:
            chart.parent.mkdir(parents=True, exist_ok=True)
            chart.write_text(linker.evaluation.accuracy_analysis_from_labels_table(
                registered, output_type="threshold_selection").to_html(inline=True),
                encoding="utf-8")
    finally:
        local.close()
    same = int(labels["clerical_match_score"].sum())
    return DecisionCheck(same, len(labels) - same, _at(table, thresholds.person_merge, same),
                         _at(table, thresholds.person_suspect, same), chart)


def _at(table: pd.DataFrame, weight: float, same: int) -> Agreement:
    """Splink's table gives, per score a labelled pair got (a match weight), the pairs
    scored at or above it: the row of the lowest score at or above `weight`."""
    above = table[table["truth_threshold"] >= weight].sort_values("truth_threshold")
    tp, fp = (0, 0) if above.empty else (int(above.iloc[0]["tp"]), int(above.iloc[0]["fp"]))
    return Agreement(weight, tp / (tp + fp) if tp + fp else None, tp / same if same else 1.0)
