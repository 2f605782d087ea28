"""Evidence for stewards per run: match-weight charts and cluster studio pages.

All HTML is self-contained (Splink's bundled vega/d3, `inline=True`): it opens
offline and fetches nothing. ID numbers and mobiles are masked in the pages.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from splink import DuckDBAPI, Linker

from matching.scoring import Scored

SHOWN = 5
# column → pattern keeping its first and last characters
MASKS = {"id_cmp": "^(.{4}).*(.{4})$", "valid_id_no": "^(.{4}).*(.{4})$",
         "strong_key": "^(.{8}).*(.{4})$", "mobile": "^(.{3}).*(.{4})$"}


def write_evidence(out_dir: Path, persons: Scored, orgs: Scored, party_of: pd.Series
                   ) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, scored in (("person", persons), ("organization", orgs)):
        path = out_dir / f"{name}_match_weights.html"
        path.write_text(scored.linker.visualisations.match_weights_chart().to_html(inline=True),
                        encoding="utf-8")
        written.append(path)
    written.append(_cluster_studio(out_dir / "person_clusters.html", persons, party_of))
    return written


def _cluster_studio(path: Path, scored: Scored, party_of: pd.Series) -> Path:
    """The largest clusters and the most uncertain ones (weakest internal link).

    Cluster studio needs every compared column in the predictions, which the
    nightly predict does not keep (it would slow it): the chosen clusters' mentions
    are scored again on their own, then ID numbers and mobiles are masked.
    """
    pairs = scored.pairs.assign(party_l=party_of.reindex(scored.pairs["uid_l"]).to_numpy(),
                                party_r=party_of.reindex(scored.pairs["uid_r"]).to_numpy())
    inside = pairs[pairs["party_l"] == pairs["party_r"]]
    sizes = party_of[party_of.str.startswith("P")].value_counts()
    largest = list(sizes.sort_index().sort_values(ascending=False, kind="stable").index[:SHOWN])
    weakest = (inside.groupby("party_l")["match_probability"].min().sort_index()
               .sort_values(kind="stable").index)
    chosen = list(dict.fromkeys([*largest, *[p for p in weakest if p not in largest][:SHOWN]]))
    nodes = party_of[party_of.isin(chosen)]
    local = scored.linker._db_api._con
    local.register("_evidence_nodes", pd.DataFrame({"uid": nodes.index.to_numpy(),
                                                    "cluster_id": nodes.to_numpy()}))
    try:
        local.execute("create or replace table evidence_mentions as select m.*, n.cluster_id "
                      "from _evidence_nodes n join mentions m using (uid)")
    finally:
        local.unregister("_evidence_nodes")
    model = scored.linker.misc.save_model_to_json()
    model.update(retain_matching_columns=True, retain_intermediate_calculation_columns=True)
    db_api = DuckDBAPI(connection=local)
    linker = Linker(db_api.register("evidence_mentions"), model, log_level=logging.WARNING)
    predictions = linker.inference.predict(warning_mode="never")
    for table in (predictions.physical_name, "evidence_mentions"):
        present = {row[0] for row in local.execute(f"describe {table}").fetchall()}
        for column, pattern in MASKS.items():
            for suffix in ("", "_l", "_r"):
                if column + suffix in present:
                    local.execute(
                        f"update {table} set {column}{suffix} = "
                        f"regexp_replace({column}{suffix}, '{pattern}', '\\1****\\2')")
    path.unlink(missing_ok=True)
    linker.visualisations.cluster_studio_dashboard(
        predictions, db_api.register("evidence_mentions"), str(path), cluster_ids=chosen,
        cluster_names=[("largest " if c in largest else "uncertain ") + c for c in chosen],
        overwrite=True)
    return path
