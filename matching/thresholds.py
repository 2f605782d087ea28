"""Match thresholds from reference_data/match_thresholds.csv: business rules, not code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecif.reference import read_csv, reference_file

THRESHOLDS_FILE = reference_file("match_thresholds.csv")


@dataclass(frozen=True)
class NameRule:
    """The organizations' name rules (suspect groups only)."""
    score: float        # a same-name link's score in its suspect group
    max_codes: int      # a name carried by more organization codes than this links nothing
    contract_score: float  # one contract and one name (payer = holder): a link's score


@dataclass(frozen=True)
class Thresholds:
    person_merge: float
    person_suspect: float
    person_birth_max_years_apart: int   # further apart: two people, whatever links them
    person_task_max_parties: int        # suspect pairs joining more persons: one task a pair
    person_queue_max_share: float       # of the person parties: the review queue's bound,
    person_queue_min_pairs: int         # unless it is this short
    org_suspect: float
    org_name_rule: NameRule


def load_thresholds(path: Path = THRESHOLDS_FILE) -> Thresholds:
    values = {(r["party_type"], r["parameter"]): float(r["value"]) for r in read_csv(path)}
    try:
        return Thresholds(person_merge=values["P", "merge_min_weight"],
                          person_suspect=values["P", "suspect_min_weight"],
                          person_birth_max_years_apart=int(
                              values["P", "birth_max_years_apart"]),
                          person_task_max_parties=int(values["P", "review_task_max_parties"]),
                          person_queue_max_share=values["P", "review_queue_max_share"],
                          person_queue_min_pairs=int(values["P", "review_queue_min_pairs"]),
                          org_suspect=values["O", "suspect_min_weight"],
                          org_name_rule=NameRule(
                              score=values["O", "same_name_score"],
                              max_codes=int(values["O", "same_name_max_codes"]),
                              contract_score=values["O", "contract_name_score"]))
    except KeyError as missing:
        raise ValueError(f"{path}: no threshold {missing.args[0]}") from None
