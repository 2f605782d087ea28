"""Score candidate pairs with a saved Splink model (nightly never retrains)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from matching import person_model
from matching.training import party_table


@dataclass
class Scored:
    linker: Linker
    predictions: SplinkDataFrame
    # uid_l, uid_r, match_weight, match_probability, corroborated (persons: see
    # person_model.CORROBORATED)
    pairs: pd.DataFrame


def score_pairs(local: duckdb.DuckDBPyConnection, party_type: str, model: Path,
                min_weight: float) -> Scored:
    """Every blocked pair of one party type at or above min_weight."""
    db_api = DuckDBAPI(connection=local)
    linker = Linker(db_api.register(party_table(local, party_type)), str(model),
                    log_level=logging.WARNING)
    if party_type == "P":
        person_model.register_term_frequencies(linker, db_api, local)
    predictions = linker.inference.predict(threshold_match_weight=min_weight,
                                           warning_mode="never")
    if party_type == "P":
        corroborated, sides = person_model.CORROBORATED, "".join(
            f" join (select uid as uid_{side}, "
            + ", ".join(f"{c} as {c}_{side}" for c in person_model.CORROBORATING_COLUMNS)
            + f" from mentions) using (uid_{side})" for side in "lr")
    else:
        corroborated, sides = "false", ""
    pairs = local.sql(f"""
        select uid_l, uid_r, match_weight, match_probability,
               {corroborated} as corroborated
        from {predictions.physical_name}{sides}
        order by uid_l, uid_r""").df()
    return Scored(linker, predictions, pairs)
