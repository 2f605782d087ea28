"""Which person pairs left apart are queued for stewards (matching.person_clusters)."""

import numpy as np
import pandas as pd

from matching.person_clusters import cluster_persons

NO_LINKS = pd.DataFrame({"a": pd.Series(dtype="int64"), "b": pd.Series(dtype="int64")})
NO_CONSTRAINTS = pd.DataFrame(columns=["mention_id_a", "mention_id_b", "kind"])


def suspects(*persons: dict) -> set[tuple[int, int]]:
    """The uid pairs queued when each person is scored against the first one at a
    weight between the suspect and the merge weight, without corroboration."""
    frame = pd.DataFrame([{"uid": uid, "mention_id": f"m{uid}", "strong_key": None,
                           "valid_id_type": None, "valid_id_no": None, "gender": None,
                           "birth_year": np.nan} | person for uid, person in enumerate(persons)])
    pairs = pd.DataFrame({"uid_l": 0, "uid_r": range(1, len(persons)), "match_weight": 5.0,
                          "match_probability": 0.97, "corroborated": False})
    _, queued = cluster_persons(frame, pairs, NO_LINKS, NO_CONSTRAINTS, 7.0, len(persons), 1)
    return set(zip(queued["uid_l"], queued["uid_r"], strict=True))


def test_pairs_that_cannot_be_one_person_are_never_queued():
    rid = {"valid_id_type": "RID"}
    assert suspects(
        {**rid, "valid_id_no": "1", "gender": "M", "birth_year": 1985},
        {**rid, "valid_id_no": "2"},                                 # another resident ID
        {"valid_id_type": "PASSPORT", "valid_id_no": "E1", "gender": "F"},  # a woman, with an ID
        {"birth_year": 1960},                                        # born 25 years earlier
        {"gender": "F"},                                             # a woman without an ID
        {"valid_id_type": "PASSPORT", "valid_id_no": "E2", "birth_year": 1986},
    ) == {(0, 4), (0, 5)}
