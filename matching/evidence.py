"""Evidence for stewards per run: match-weight charts and cluster studio pages.

All HTML is self-contained (Splink's bundled vega/d3, `inline=True`): it opens
offline and fetches nothing. ID numbers and mobiles are masked in the pages.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from matching.scoring import Scored

SHOWN = 5


def write_evidence(out_dir: Path, persons: Scored, orgs: Scored, labels: pd.Series,
                   party_of: pd.Series) -> list[Path]:
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
    """The largest clusters and the most uncertain ones (weakest internal link)."""
    local = scored.linker._db_api._con
    pairs = scored.pairs.assign(party_l=party_of.reindex(scored.pairs["uid_l"]).to_numpy(),
                                party_r=party_of.reindex(scored.pairs["uid_r"]).to_numpy())
    inside = pairs[pairs["party_l"] == pairs["party_r"]]
    sizes = party_of[party_of.str.startswith("P")].value_counts()
    largest = sizes.sort_index().sort_values(ascending=False, kind="stable").index[:SHOWN]
    weakest = (inside.groupby("party_l")["match_probability"].min().sort_index()
               .sort_values(kind="stable").index)
    chosen = list(dict.fromkeys([*largest, *[p for p in weakest if p not in largest][:SHOWN]]))
    nodes = party_of[party_of.isin(chosen)]
    local.register("_evidence_nodes", pd.DataFrame({"uid": nodes.index.to_numpy(),
                                                    "cluster_id": nodes.to_numpy()}))
    try:
        local.execute("""
            create or replace table evidence_clusters as
            select n.cluster_id, m.uid, m.mention_id, m.name_std, m.pinyin_key, m.gender,
                   m.birth_date, m.birth_year, m.id_type,
                   regexp_replace(m.id_cmp, '^(.{4}).*(.{4})$', '\\1**********\\2') as id_no,
                   regexp_replace(m.mobile, '^(.{3}).*(.{4})$', '\\1****\\2') as mobile,
                   m.city
            from _evidence_nodes n join mentions m using (uid)""")
    finally:
        local.unregister("_evidence_nodes")
    clustered = scored.linker._db_api.register("evidence_clusters")
    path.unlink(missing_ok=True)
    scored.linker.visualisations.cluster_studio_dashboard(
        scored.predictions, clustered, str(path), cluster_ids=chosen,
        cluster_names=[("largest " if c in largest else "uncertain ") + c for c in chosen],
        overwrite=True)
    return path
