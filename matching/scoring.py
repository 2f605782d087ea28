"""Score candidate pairs with a saved Splink model (nightly never retrains)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from matching.training import party_table


@dataclass
class Scored:
    linker: Linker
    predictions: SplinkDataFrame
    pairs: pd.DataFrame          # uid_l, uid_r, match_weight, match_probability


def score_pairs(local: duckdb.DuckDBPyConnection, party_type: str, model: Path,
                min_weight: float) -> Scored:
    """Every blocked pair of one party type at or above min_weight."""
    db_api = DuckDBAPI(connection=local)
    linker = Linker(db_api.register(party_table(local, party_type)), str(model),
                    log_level=logging.WARNING)
    predictions = linker.inference.predict(threshold_match_weight=min_weight,
                                           warning_mode="never")
    pairs = local.sql(f"select uid_l, uid_r, match_weight, match_probability "
                      f"from {predictions.physical_name}").df()
    return Scored(linker, predictions, pairs)
