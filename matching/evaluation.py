"""Match quality against a generator's ground truth (`ecif evaluate --truth FILE`).

Works on any extracts folder whose ground_truth/mentions.csv names the true
entity of every mention (source_system, source_entity, source_key, source_role,
entity_id, party_type, traps, deleted), whoever made it.

Pairwise figures: a pair of mentions is predicted when both sit in one party, and
true when both are one entity. For organizations a pair also counts as *found*
when its two parties share a suspect group. An over-merged party holds mentions
of two or more true entities; it is counted under every trap its mentions carry
(or `none`).
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
    found_pairs: int          # correct, or (organizations) in one suspect group
    over_merged: int
    over_merged_by_trap: dict[str, int] = field(default_factory=dict)

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
    joined = truth.merge(assigned, on="mention_id", how="left")
    missing = joined["party_id"].isna()
    # a mention matching never saw stands alone
    joined.loc[missing, "party_id"] = "unmatched:" + joined.loc[missing, "mention_id"]
    joined["found_group"] = joined["party_id"].map(
        groups.set_index("party_id")["suspect_group_id"]).fillna(joined["party_id"])
    return [_quality(joined[joined["party_type"] == t], t) for t in ("P", "O")]


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _quality(rows: pd.DataFrame, party_type: str) -> PartyTypeQuality:
    entities_per_party = rows.groupby("party_id")["entity_id"].nunique()
    over = entities_per_party[entities_per_party > 1].index
    traps = (rows[rows["party_id"].isin(over)]
             .assign(trap=lambda f: f["traps"].replace("", "none").str.split(";"))
             .explode("trap").groupby("trap")["party_id"].nunique())
    return PartyTypeQuality(
        party_type=party_type,
        mentions=len(rows),
        true_pairs=_pairs(rows.groupby("entity_id").size()),
        predicted_pairs=_pairs(rows.groupby("party_id").size()),
        correct_pairs=_pairs(rows.groupby(["party_id", "entity_id"]).size()),
        found_pairs=_pairs(rows.groupby(["found_group", "entity_id"]).size()),
        over_merged=len(over),
        over_merged_by_trap={k: int(v) for k, v in traps.items()},
    )
