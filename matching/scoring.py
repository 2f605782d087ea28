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
    corroborated = person_model.CORROBORATED if party_type == "P" else "false"
    pairs = local.sql(f"""
        select p.uid_l, p.uid_r, p.match_weight, p.match_probability,
               coalesce({corroborated}, false) as corroborated
        from {predictions.physical_name} as p
        join mentions as l on l.uid = p.uid_l
        join mentions as r on r.uid = p.uid_r
        order by p.uid_l, p.uid_r""").df()
    return Scored(linker, predictions, pairs)
