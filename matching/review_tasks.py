"""The person review queue: suspect pairs grouped into review tasks, ranked by what a
review is worth, bounded, each pair with the evidence of its best mention pair.

- A task is the small group of persons that suspect pairs connect (a connected
  component of at most `review_task_max_parties` parties): a steward sees them side by
  side and decides once. A longer chain, strangers sharing a common name and birthday,
  makes a task nobody can judge, so each of its pairs is a task of its own. A task's id
  names its parties (`P1+P2+P3`, sorted), so it is the same night after night while its
  parties are.
- A pair's rank weighs how common the name is: the model scores an exact name alike for
  王伟 and for 欧阳靖, and strangers with one common name and one birthday crowd the
  queue. The rank is the match weight plus log2(u / f), where u is the chance two
  different people share a name (the model's exact-name level) and f the share of
  person parties with this name's sound (pinyin key): Splink's term-frequency
  adjustment, for ranking only (merges never use it). On the independent 200k set it
  raised the share of true pairs in the queue from 39 % to 46 %.
- A task's probability of being one person is its best pair's rank. The queue keeps the
  most likely tasks while their pairs stay within `review_queue_max_share` of the person
  parties (or `review_queue_min_pairs`, when that is more); its expected precision is the
  mean rank probability of the pairs it keeps: the model's estimate, which stewards'
  decisions check (`ecif train-model --with-decisions`).
- Evidence: for the best mention pair of each queued party pair, the level each
  comparison of the saved model met and its weight (Splink's waterfall chart, with level
  labels only, so no personal data), and what term frequencies added.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.model_levels import saved_model
from matching.thresholds import Thresholds

# between the two party ids of a review task's id (`P…+P…`); the service splits by it
TASK_SEPARATOR = "+"


def review_queue(local, pairs: pd.DataFrame, model: Path, thresholds: Thresholds,
                 person_parties: int) -> pd.DataFrame:
    """pairs: party_id_a, party_id_b, match_weight, match_probability, mention_id_l,
    mention_id_r (the best mention pair), … (other columns are kept).

    Returns the queued pairs with rank_probability, review_task_id, task_probability and
    evidence (JSON), without the mention ids."""
    name_weight = name_commonness(local, pairs, model, person_parties)
    ranked = pairs.assign(name_weight=name_weight,
                          rank_probability=_probability(pairs["match_weight"] + name_weight))
    tasks = assign_tasks(ranked, thresholds.person_task_max_parties)
    queued = bounded(tasks, max(int(thresholds.person_queue_max_share * person_parties),
                                thresholds.person_queue_min_pairs))
    queued = queued.assign(evidence=evidence(local, queued, model))
    return queued.drop(columns=["mention_id_l", "mention_id_r", "name_weight"]
                       ).reset_index(drop=True)


def name_commonness(local, pairs: pd.DataFrame, model: Path, person_parties: int
                    ) -> np.ndarray:
    """Per pair, log2(u / f) when its best mention pair's names sound alike, else 0."""
    if pairs.empty:
        return np.zeros(0)
    u = saved_model(model).level("name", "exact name").u
    local.register("best_pair", _best(pairs))
    try:
        parties = local.execute("""
            with sounds as (
                select distinct coalesce(m.pinyin_key, m.name_std) as sound, a.party_id
                from mentions as m join assignment as a using (mention_id)
                where m.party_type = 'P'),
            frequency as (select sound, count(*) as parties from sounds group by sound)
            select f.parties from best_pair
            join mentions as l on l.mention_id = best_pair.mention_id_l
            join mentions as r on r.mention_id = best_pair.mention_id_r
            left join frequency as f on f.sound = coalesce(l.pinyin_key, l.name_std)
                and coalesce(l.pinyin_key, l.name_std) = coalesce(r.pinyin_key, r.name_std)
            order by pair_no""").df()["parties"].to_numpy(dtype=float)
    finally:
        local.unregister("best_pair")
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.log2(u / (parties / person_parties))
    return np.where(np.isnan(parties), 0.0, weight)


def _probability(weight: pd.Series) -> np.ndarray:
    return 1 / (1 + np.exp2(-weight.to_numpy(dtype=float)))


def _best(pairs: pd.DataFrame) -> pd.DataFrame:
    """pair_no, mention_id_l, mention_id_r in the pairs' order."""
    return pairs[["mention_id_l", "mention_id_r"]].reset_index(drop=True).reset_index(
        names="pair_no")


def assign_tasks(pairs: pd.DataFrame, max_parties: int) -> pd.DataFrame:
    """pairs (with their rank_probability) with review_task_id and task_probability."""
    parties = pd.Index(np.unique(pairs[["party_id_a", "party_id_b"]].to_numpy().ravel()))
    a, b = parties.get_indexer(pairs["party_id_a"]), parties.get_indexer(pairs["party_id_b"])
    n = len(parties)
    _, component = connected_components(
        coo_matrix((np.ones(len(pairs)), (a, b)), shape=(n, n)), directed=False)
    size = np.bincount(component, minlength=n)
    names = pd.Series(parties.to_numpy(), dtype=object).groupby(component).agg(
        lambda ids: TASK_SEPARATOR.join(sorted(ids)))
    small = size[component[a]] <= max_parties
    pair_ids = (pairs["party_id_a"] + TASK_SEPARATOR + pairs["party_id_b"]).to_numpy()
    task = np.where(small, names.reindex(component[a]).to_numpy(), pair_ids)
    out = pairs.assign(review_task_id=task)
    return out.assign(task_probability=out.groupby("review_task_id")["rank_probability"]
                      .transform("max"))


def bounded(tasks: pd.DataFrame, max_pairs: int) -> pd.DataFrame:
    """The most likely tasks whose pairs, together, stay within max_pairs (ties: by id)."""
    per_task = (tasks.groupby("review_task_id")
                .agg(probability=("task_probability", "first"), pairs=("party_id_a", "size"))
                .reset_index()
                .sort_values(["probability", "review_task_id"], ascending=[False, True]))
    kept = per_task.loc[per_task["pairs"].cumsum() <= max_pairs, "review_task_id"]
    return (tasks[tasks["review_task_id"].isin(kept)]
            .sort_values(["party_id_a", "party_id_b"]).reset_index(drop=True))


def expected_precision(queued: pd.DataFrame) -> float | None:
    """The share of the queue's pairs expected to be one person: the mean of their tasks'
    probabilities, each pair counted at its own rank (task_probability is the best's)."""
    return float(queued["rank_probability"].mean()) if len(queued) else None


def evidence(local, pairs: pd.DataFrame, model: Path) -> list[str]:
    """Per pair, as JSON: {"prior": weight, "levels": [[comparison, level, weight], …],
    "term_frequency": weight, "name_frequency": weight}; the prior, the levels and
    term_frequency add up to the pair's match weight, name_frequency to its rank."""
    if pairs.empty:
        return []
    saved = saved_model(model)
    cases = ", ".join(
        "case " + " ".join(f"when {level.sql} then {i}" for i, level in
                           enumerate(comparison.levels) if level.sql is not None)
        + f" else {len(comparison.levels) - 1} end as level_{k}"
        for k, comparison in enumerate(saved.comparisons))
    columns = [row[0] for row in local.execute("describe mentions").fetchall()]
    side = {s: ", ".join(f"{c} as {c}_{s}" for c in columns) for s in "lr"}
    local.register("best_pair", _best(pairs))
    try:
        met = local.execute(f"""
            select {cases} from best_pair
            join (select {side['l']} from mentions) using (mention_id_l)
            join (select {side['r']} from mentions) using (mention_id_r)
            order by pair_no""").fetchall()
    finally:
        local.unregister("best_pair")
    out = []
    for levels, weight, name_weight in zip(met, pairs["match_weight"].to_numpy(),
                                           pairs["name_weight"].to_numpy(), strict=True):
        shown = [(c.name, c.levels[i].label, c.levels[i].weight)
                 for c, i in zip(saved.comparisons, levels, strict=True)
                 if c.levels[i].label is not None]
        explained = saved.prior_weight + sum(w for _, _, w in shown)
        out.append(json.dumps({
            "prior": round(saved.prior_weight, 2),
            "levels": [[name, label, round(w, 2)] for name, label, w in shown],
            "term_frequency": round(float(weight) - explained, 2),
            "name_frequency": round(float(name_weight), 2)}, ensure_ascii=False))
    return out
