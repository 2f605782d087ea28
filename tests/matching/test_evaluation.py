import pandas as pd

from matching.evaluation import _quality


def rows(records):
    return pd.DataFrame(records, columns=["party_id", "found_group", "entity_id", "traps"])


def test_pairwise_counts_over_merges_by_trap_and_found_pairs():
    quality = _quality(rows([
        ("p1", "g1", "e1", ""), ("p1", "g1", "e1", ""), ("p1", "g1", "e2", "twin"),  # over-merge
        ("p2", "g1", "e2", ""),                           # e2 split, but p1/p2 share a group
        ("p3", "p3", "e3", ""), ("p4", "p4", "e3", "agent_mobile;spouse"),
    ]), "P")
    assert (quality.true_pairs, quality.predicted_pairs, quality.correct_pairs) == (3, 3, 1)
    assert quality.precision == 1 / 3 and quality.recall == 1 / 3
    assert quality.found_pairs == 2          # e1's pair, and e2's pair through the group
    assert quality.over_merged == 1
    assert quality.over_merged_by_trap == {"none": 1, "twin": 1}
