"""Evidence for stewards per run: match-weight charts and cluster studio pages.

All HTML is self-contained (Splink's bundled vega/d3, `inline=True`): it opens
offline and fetches nothing. Personal data in the pages is masked by ecif.masking,
as everywhere else: ID numbers and mobiles keep their ends, landlines as mobiles;
names, addresses and birth dates are hidden. The comparison levels and weights that
explain a link are computed before masking, so they still show why records matched.
An erasure deletes the pages that showed the person (`forget_pages`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
from splink import DuckDBAPI, Linker

from ecif.masking import hide, mask_id, mask_mobile
from ecif.report_folders import reports_root
from ecif.warehouse import Warehouse

SHOWN = 5
CLUSTER_PAGE = "person_clusters.html"
# compared column (also as column_l / column_r) → how it is shown
MASKED: dict[str, Callable[[str], str | None]] = {
    "valid_id_no": mask_id, "id_cmp": mask_id, "strong_key": mask_id,
    "mobile": mask_mobile, "phone": mask_mobile,
    **dict.fromkeys(("name_std", "pinyin_key", "pinyin_key_swapped", "pinyin_key_alt",
                     "mobile_digits", "legal_rep", "address",
                     "birth_date", "birth_year"), hide),
}


def evidence_root(warehouse: Warehouse) -> Path:
    """Where the warehouse's runs put their evidence folders (matching/<run id>)."""
    return reports_root(warehouse) / "matching"


def forget_pages(ids: Iterable[str], root: Path) -> list[Path]:
    """Delete the cluster pages under `root` that show any of `ids` (a party id, its
    mention ids)."""
    pattern = re.compile("|".join(rf"(?<![\w|]){re.escape(i)}(?![\w|])" for i in ids))
    gone = []
    for page in sorted(root.glob(f"*/{CLUSTER_PAGE}")):
        if pattern.search(page.read_text(encoding="utf-8")):
            page.unlink()
            gone.append(page)
    return gone


def write_evidence(out_dir: Path, persons: Linker, orgs: Linker) -> list[Path]:
    """persons, orgs: linkers with the saved models over the run's local DuckDB, whose
    tables `mentions`, `assignment` (mention_id → party_id) and `new_match_edge` (the
    stored pairs) pick the clusters shown (_shown_clusters)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, linker in (("person", persons), ("organization", orgs)):
        path = out_dir / f"{name}_match_weights.html"
        path.write_text(linker.visualisations.match_weights_chart().to_html(inline=True),
                        encoding="utf-8")
        written.append(path)
    written.append(_cluster_studio(out_dir / CLUSTER_PAGE, persons))
    return written


def _shown_clusters(local: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """(chosen, largest): the SHOWN largest person parties (ties: the smaller id), then
    the SHOWN others whose weakest internal link is weakest. In SQL over the stored
    pairs: a night need not pull every pair and every mention's party into pandas."""
    largest = [p for (p,) in local.execute(f"""
        select party_id from assignment where party_id like 'P%'
        group by party_id order by count(*) desc, party_id limit {SHOWN}""").fetchall()]
    weakest = [p for (p,) in local.execute(f"""
        select l.party_id from new_match_edge as e
        join assignment as l on l.mention_id = e.mention_id_l
        join assignment as r on r.mention_id = e.mention_id_r
        where e.party_type = 'P' and l.party_id = r.party_id
          and l.party_id not in (select unnest(?::varchar[]))
        group by l.party_id order by min(e.match_probability), l.party_id
        limit {SHOWN}""", [largest]).fetchall()]
    return largest + weakest, largest


def _cluster_studio(path: Path, persons: Linker) -> Path:
    """The largest clusters and the most uncertain ones (weakest internal link).

    Cluster studio needs every compared column in the predictions, which the
    nightly predict does not keep (it would slow it): the chosen clusters' mentions
    are scored again on their own, then their personal data is masked.
    """
    local = persons._db_api._con
    chosen, largest = _shown_clusters(local)
    local.execute("""
        create or replace table evidence_mentions as
        select m.*, a.party_id as cluster_id from mentions as m
        join assignment as a using (mention_id)
        where a.party_id in (select unnest(?::varchar[])) order by m.uid""", [chosen])
    model = persons.misc.save_model_to_json()
    model.update(retain_matching_columns=True, retain_intermediate_calculation_columns=True)
    db_api = DuckDBAPI(connection=local)
    linker = Linker(db_api.register("evidence_mentions"), model, log_level=logging.WARNING)
    predictions = linker.inference.predict(warning_mode="never")
    for table in (predictions.physical_name, "evidence_mentions"):
        _mask_table(local, table)
    path.unlink(missing_ok=True)
    linker.visualisations.cluster_studio_dashboard(
        predictions, db_api.register("evidence_mentions"), str(path), cluster_ids=chosen,
        cluster_names=[("largest " if c in largest else "uncertain ") + c for c in chosen],
        overwrite=True)
    return path


def _mask_table(local: duckdb.DuckDBPyConnection, table: str) -> None:
    frame = local.execute(f"select * from {table}").df()
    for column in frame.columns:
        rule = MASKED.get(re.sub(r"_[lr]$", "", column))
        if rule is not None:
            frame[column] = frame[column].map(lambda v, rule=rule: rule(str(v)),
                                              na_action="ignore")
    local.register("_evidence_masked", frame)
    try:
        local.execute(f"create or replace table {table} as select * from _evidence_masked")
    finally:
        local.unregister("_evidence_masked")
