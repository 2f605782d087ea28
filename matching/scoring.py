"""Score candidate pairs with a saved Splink model (nightly never retrains)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from matching import person_model
from matching.training import party_table


def score_pairs(local: duckdb.DuckDBPyConnection, party_type: str, model: Path,
                min_weight: float, rescore: str | None = None) -> pd.DataFrame:
    """Every blocked pair of one party type at or above min_weight: uid_l, uid_r,
    match_weight, match_probability, corroborated (persons: see
    person_model.CORROBORATED).

    rescore: a table of uids (column uid) in `local`; only the pairs with at least one
    of them are scored, exactly those a run over every mention would give them.
    """
    db_api = DuckDBAPI(connection=local)
    table, settings = party_table(local, party_type), str(model)
    if rescore is not None:
        table, settings = _restricted(local, table, json.loads(model.read_text("utf-8")),
                                      rescore)
    linker = Linker(db_api.register(table), settings, log_level=logging.WARNING)
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
    return local.sql(f"""
        select uid_l, uid_r, match_weight, match_probability,
               {corroborated} as corroborated
        from {predictions.physical_name}{sides}
        order by uid_l, uid_r""").df()


def model_linker(local: duckdb.DuckDBPyConnection, party_type: str, model: Path) -> Linker:
    """A linker over one party type's mentions with the model as saved."""
    return Linker(DuckDBAPI(connection=local).register(party_table(local, party_type)),
                  str(model), log_level=logging.WARNING)


def _restricted(local: duckdb.DuckDBPyConnection, table: str, settings: dict, rescore: str
                ) -> tuple[str, dict]:
    """The mentions to rescore and their blocking neighbours, and the model's blocking
    rules narrowed to pairs with a mention to rescore on one side.

    The neighbours are found with the model's own rules (a semi-join per rule), so
    Splink compares only them instead of joining every mention with every other.
    A pair of the narrowed rules is one of the original rules' pairs with a mention to
    rescore on one side, and every such pair is found; its score does not depend on
    the rule that found it.
    """
    rules = [rule["blocking_rule"] for rule in settings["blocking_rules_to_generate_predictions"]]
    neighbours = " union ".join(
        f"select r.uid from {table} as r semi join dirty as l on {rule}" for rule in rules)
    name = f"{table}_rescored"
    local.execute(f"""
        create or replace table {name} as
        with dirty as (select * from {table} where uid in (select uid from {rescore}))
        select *, uid in (select uid from {rescore}) as rescored
        from {table}
        where uid in (select uid from dirty union {neighbours})""")
    # each rule twice, with the mention to rescore on the left, then on the right: a
    # condition on one side only is pushed below the join, so DuckDB never builds the
    # pairs of two neighbours (an `or` of both sides would be tested after the join)
    settings["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": f"({rule['blocking_rule']}) and {side}.rescored"}
        for rule in settings["blocking_rules_to_generate_predictions"] for side in "lr"]
    return name, settings
