"""Match quality against a generator's ground truth (`ecif evaluate --truth FILE`).

Works on any extracts folder whose ground_truth/mentions.csv names the true
entity of every mention (source_system, source_entity, source_key, source_role,
entity_id, party_type, traps, deleted), whoever made it.

Pairwise figures: a pair of mentions is predicted when both sit in one party, and
true when both are one entity. A pair also counts as *found* when its two parties
share a suspect group (organizations) or a review task (persons: merged or queued).
An over-merged party holds mentions of two or more true entities; it is counted under
every trap its mentions carry (or `none`). The person review queue: its pairs of
parties, and how many of them hold one true entity on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ecif.warehouse import Connection

TRUTH_KEY = ["source_system", "source_entity", "source_key", "source_role"]


@dataclass(frozen=True)
class PartyTypeQuality:
    party_type: str
    mentions: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    found_pairs: int          # correct, or in one suspect group / review task
    over_merged: int
    over_merged_by_trap: dict[str, int] = field(default_factory=dict)
    parties: int = 0
    queued_pairs: int = 0     # persons: party pairs in the review queue
    queued_true_pairs: int = 0

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def found_recall(self) -> float:
        return self.found_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def queue_share(self) -> float:
        """Queued pairs per party."""
        return self.queued_pairs / self.parties if self.parties else 0.0

    @property
    def queue_precision(self) -> float | None:
        return self.queued_true_pairs / self.queued_pairs if self.queued_pairs else None


def read_truth(path: Path) -> pd.DataFrame:
    """mention_id, entity_id, party_type, traps of every current mention."""
    if path.is_dir():
        path = path / "ground_truth" / "mentions.csv"
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    truth = truth[truth["deleted"].str.lower() != "true"]
    mention_id = truth[TRUTH_KEY[0]]
    for column in TRUTH_KEY[1:]:
        mention_id = mention_id + "|" + truth[column]
    return pd.DataFrame({"mention_id": mention_id.to_numpy(),
                         "entity_id": truth["entity_id"].to_numpy(),
                         "party_type": truth["party_type"].to_numpy(),
                         "traps": truth["traps"].to_numpy()})


def evaluate(conn: Connection, truth: pd.DataFrame) -> list[PartyTypeQuality]:
    assigned = pd.DataFrame(
        conn.fetchall("select mention_id, party_id from matching.party_mention"),
        columns=["mention_id", "party_id"])
    groups = pd.DataFrame(
        conn.fetchall("select party_id, suspect_group_id from matching.suspect_group_member")
        if conn.table_exists("matching", "suspect_group_member") else [],
        columns=["party_id", "suspect_group_id"])
    queued = pd.DataFrame(
        conn.fetchall("select party_id_a, party_id_b, review_task_id "
                      "from matching.person_suspect")
        if conn.table_exists("matching", "person_suspect") else [],
        columns=["party_id_a", "party_id_b", "review_task_id"])
    joined = truth.merge(assigned, on="mention_id", how="left")
    missing = joined["party_id"].isna()
    # a mention matching never saw stands alone
    joined.loc[missing, "party_id"] = "unmatched:" + joined.loc[missing, "mention_id"]
    joined["found_group"] = joined["party_id"].map(
        groups.set_index("party_id")["suspect_group_id"]).fillna(joined["party_id"])
    return [_quality(joined[joined["party_type"] == "P"], "P", queued),
            _quality(joined[joined["party_type"] == "O"], "O")]


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _quality(rows: pd.DataFrame, party_type: str, queued: pd.DataFrame | None = None
             ) -> PartyTypeQuality:
    entities_per_party = rows.groupby("party_id")["entity_id"].nunique()
    over = entities_per_party[entities_per_party > 1].index
    traps = (rows[rows["party_id"].isin(over)]
             .assign(trap=lambda f: f["traps"].replace("", "none").str.split(";"))
             .explode("trap").groupby("trap")["party_id"].nunique())
    correct = _pairs(rows.groupby(["party_id", "entity_id"]).size())
    quality = dict(
        party_type=party_type,
        mentions=len(rows),
        true_pairs=_pairs(rows.groupby("entity_id").size()),
        predicted_pairs=_pairs(rows.groupby("party_id").size()),
        correct_pairs=correct,
        found_pairs=_pairs(rows.groupby(["found_group", "entity_id"]).size()),
        over_merged=len(over),
        over_merged_by_trap={k: int(v) for k, v in traps.items()},
        parties=rows["party_id"].nunique(),
    )
    if queued is not None:
        quality.update(found_pairs=correct + _queued_true_pairs(rows, queued),
                       queued_pairs=len(queued),
                       queued_true_pairs=_true_party_pairs(rows, queued))
    return PartyTypeQuality(**quality)


def _queued_true_pairs(rows: pd.DataFrame, queued: pd.DataFrame) -> int:
    """True mention pairs split between two parties that one review task holds."""
    together = {frozenset((a, b)) for parties in queued["review_task_id"].unique()
                for i, a in enumerate(parties.split("+")) for b in parties.split("+")[i + 1:]}
    counts = rows.groupby(["entity_id", "party_id"]).size().reset_index(name="n")
    split = counts[counts.groupby("entity_id")["party_id"].transform("size") > 1]
    pairs = split.merge(split, on="entity_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["party_id_a"] < pairs["party_id_b"]]
    held = [frozenset(p) in together for p in zip(pairs["party_id_a"], pairs["party_id_b"],
                                                 strict=True)]
    return int((pairs["n_a"] * pairs["n_b"])[held].sum())


def _true_party_pairs(rows: pd.DataFrame, queued: pd.DataFrame) -> int:
    """Queued party pairs whose two parties hold mentions of one true entity."""
    entities = rows.groupby("party_id")["entity_id"].agg(set)
    return sum(bool(entities.get(a, set()) & entities.get(b, set()))
               for a, b in zip(queued["party_id_a"], queued["party_id_b"], strict=True))
