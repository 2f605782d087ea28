import pandas as pd

from matching.merge_history import merge_split_events
from matching.stable_ids import assign_party_ids


def clusters(rows):
    return pd.DataFrame(rows, columns=["mention_id", "party_type", "cluster"])


def previous(rows):
    return pd.DataFrame(rows, columns=["mention_id", "party_id"])


def test_first_run_numbers_clusters_by_their_smallest_mention():
    result, next_number = assign_party_ids(
        clusters([("b", "P", 7), ("a", "P", 9), ("c", "O", 7)]), previous([]), 1)
    ids = dict(zip(result["mention_id"], result["party_id"], strict=True))
    # cluster 9 holds "a", the smallest mention: it is numbered first
    assert ids == {"a": "P0000000001", "b": "P0000000002", "c": "P0000000002"}
    assert next_number == 3


def test_ids_survive_a_rerun_and_a_new_mention_joining():
    before = previous([("a", "P0000000005"), ("b", "P0000000006")])
    result, next_number = assign_party_ids(
        clusters([("a", "P", 1), ("a2", "P", 1), ("b", "P", 2), ("new", "P", 3)]), before, 10)
    ids = dict(zip(result["mention_id"], result["party_id"], strict=True))
    assert ids == {"a": "P0000000005", "a2": "P0000000005", "b": "P0000000006",
                   "new": "P0000000010"}
    assert next_number == 11


def test_a_merge_keeps_the_id_with_most_overlap_and_retires_the_other():
    before = previous([("a", "P1"), ("b", "P1"), ("c", "P2")])
    result, _ = assign_party_ids(clusters([("a", "P", 1), ("b", "P", 1), ("c", "P", 1)]),
                                 before, 3)
    assert set(result["party_id"]) == {"P1"}
    events = merge_split_events(before, result, "R2")
    assert events.to_dict("records") == [{
        "run_id": "R2", "event": "MERGE", "party_id": "P1", "related_party_ids": "P1,P2",
        "mention_count": 3}]


def test_a_split_gives_the_old_id_to_one_side_only():
    before = previous([("a", "P1"), ("b", "P1"), ("c", "P1")])
    result, _ = assign_party_ids(clusters([("a", "P", 1), ("b", "P", 1), ("c", "P", 2)]),
                                 before, 8)
    ids = dict(zip(result["mention_id"], result["party_id"], strict=True))
    assert ids["a"] == ids["b"] == "P1"
    assert ids["c"] == "P0000000008"
    events = merge_split_events(before, result, "R2")
    assert list(events["event"]) == ["SPLIT"]
    assert events.loc[0, "related_party_ids"] == "P0000000008,P1"
