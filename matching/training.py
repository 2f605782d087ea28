"""Model lifecycle: train the person and organization models and save them as JSON.

Run by `ecif train-model`, never by the nightly run: nightly loads the saved JSON,
so its scores do not drift with each night's data. u comes from random sampling
(pairs of random mentions are almost all different parties); m from EM on
blocking rules, each of which leaves the comparisons it does not use free to learn.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
from splink import DuckDBAPI, Linker, block_on

from ecif.warehouse import Connection
from matching import org_model, person_model
from matching.mentions import load_mentions, local_duckdb

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILES = {"P": MODELS_DIR / "person.json", "O": MODELS_DIR / "organization.json"}
SPECS = {"P": person_model, "O": org_model}
# Share of true duplicates the strong rule finds: it anchors the prior match rate.
STRONG_RULE_RECALL = 0.8


def party_table(local: duckdb.DuckDBPyConnection, party_type: str) -> str:
    """A view of one party type's mentions, the table a linker reads."""
    name = f"mentions_{party_type.lower()}"
    local.execute(f"create or replace view {name} as "
                  f"select * from mentions where party_type = '{party_type}'")
    return name


def train_model(local: duckdb.DuckDBPyConnection, party_type: str, seed: int = 1) -> dict:
    spec = SPECS[party_type]
    db_api = DuckDBAPI(connection=local)
    linker = Linker(db_api.register(party_table(local, party_type)), spec.settings(),
                    log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("strong_key")], recall=STRONG_RULE_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=spec.U_SAMPLE_PAIRS, seed=seed)
    if party_type == "P":
        # the mobile frequencies are scaled by u: known only from here on
        person_model.register_term_frequencies(linker, db_api, local)
    for block in spec.TRAINING_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(block)
    return linker.misc.save_model_to_json()


def train_models(conn: Connection, out_dir: Path = MODELS_DIR, seed: int = 1
                 ) -> dict[str, Path]:
    """Train both models on the warehouse's current mentions; write <out_dir>/*.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    local = local_duckdb()
    try:
        load_mentions(conn, local)
        written = {}
        for party_type, default in MODEL_FILES.items():
            model = train_model(local, party_type, seed)
            path = out_dir / default.name
            path.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
            written[party_type] = path
        return written
    finally:
        local.close()
