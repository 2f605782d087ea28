import pandas as pd

from matching.strong_rules import cluster_by_strong_keys


def test_mentions_sharing_a_key_are_one_cluster_transitively_and_keyless_stay_alone():
    mentions = pd.DataFrame({
        "mention_id": ["m1", "m2", "m3", "m4", "m5"],
        "party_type": ["P"] * 5,
        "strong_key": ["P:RID:1", "P:RID:1", None, None, "P:RID:2"],
    })
    labels = cluster_by_strong_keys(mentions).tolist()
    assert labels[0] == labels[1]
    assert len({labels[0], labels[2], labels[3], labels[4]}) == 4


def test_no_keys_at_all_gives_one_cluster_per_mention():
    mentions = pd.DataFrame({"mention_id": ["a", "b"], "party_type": ["P", "P"],
                             "strong_key": [None, None]})
    assert cluster_by_strong_keys(mentions).nunique() == 2
