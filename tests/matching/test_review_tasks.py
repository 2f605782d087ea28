"""The person review queue (issue 16, item 1): suspect pairs grouped into review tasks,
ranked, bounded, with the evidence of the best pair; on hand-made pairs, and through a
matching run on hand-made mentions on each engine."""

import json
import re
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from ecif.translation import code_label
from matching.model_levels import saved_model
from matching.review_tasks import assign_tasks, bounded, expected_precision
from matching.thresholds import load_thresholds
from matching.training import MODEL_FILES
from tests.matching.conftest import mention

HAN = r"[\u4e00-\u9fff]"


def pairs(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["party_id_a", "party_id_b", "rank_probability"])


def test_pairs_that_connect_a_few_persons_are_one_task_a_long_chain_is_pair_by_pair():
    chain = [(f"P{i:02d}", f"P{i + 1:02d}", 0.3) for i in range(10, 17)]   # 8 parties
    tasks = assign_tasks(pairs(("P01", "P02", 0.6), ("P02", "P03", 0.9), ("P04", "P05", 0.7),
                               *chain), max_parties=6)
    by_pair = dict(zip(zip(tasks["party_id_a"], tasks["party_id_b"], strict=True),
                       zip(tasks["review_task_id"], tasks["task_probability"], strict=True),
                       strict=True))
    assert by_pair["P01", "P02"] == by_pair["P02", "P03"] == ("P01+P02+P03", 0.9)
    assert by_pair["P04", "P05"] == ("P04+P05", 0.7)
    assert by_pair["P10", "P11"] == ("P10+P11", 0.3)     # the chain: a task per pair
    assert tasks["review_task_id"].nunique() == 1 + 1 + 7


def test_the_queue_keeps_the_likeliest_tasks_within_its_bound():
    tasks = assign_tasks(pairs(("P01", "P02", 0.6), ("P02", "P03", 0.9), ("P04", "P05", 0.95),
                               ("P06", "P07", 0.4), ("P08", "P09", 0.9)), max_parties=6)
    kept = bounded(tasks, max_pairs=4)
    # 0.95 (1 pair), then 0.9: P01+P02+P03 (2 pairs) before P08+P09 by id; then the
    # bound: P08+P09 would make 4 — kept; P06+P07 would make 5 — left out
    assert sorted(kept["review_task_id"].unique()) == ["P01+P02+P03", "P04+P05", "P08+P09"]
    assert sorted(bounded(tasks, max_pairs=3)["review_task_id"].unique()) == [
        "P01+P02+P03", "P04+P05"]
    assert expected_precision(kept) == pytest.approx((0.6 + 0.9 + 0.95 + 0.9) / 4)
    assert expected_precision(kept.iloc[:0]) is None


def test_every_comparison_and_level_of_the_person_model_has_a_chinese_name():
    """The evidence names them on the steward's page (code_label.csv)."""
    for comparison in saved_model(MODEL_FILES["P"]).comparisons:
        assert re.search(HAN, code_label("match_comparison", comparison.name, "zh")), comparison
        for level in comparison.levels:
            if level.label is not None:
                assert re.search(HAN, code_label("match_level", level.label, "zh")), level
                assert code_label("match_level", level.label, "en") != "", level


def test_a_run_queues_the_task_with_evidence_that_adds_up_to_its_weight(match, warehouse):
    born = date(1980, 5, 17)
    outcome = match([
        # one name and birth date, nothing identifying: a doubt for a steward
        mention("m1", "王秀英", "wangxiuying", birth=born, gender="F", city="杭州市"),
        mention("m2", "王秀英", "wangxiuying", birth=born, gender="F", city="杭州市"),
        mention("m3", "王秀英", "wangxiuying", birth=born, gender="F"),
        # two people by the strong rules: never queued
        mention("m4", "李强", "liqiang", birth=born, gender="M", id_no="110101198005170017"),
        mention("m5", "李强", "liqiang", birth=born, gender="M", id_no="110101198005170033"),
    ])
    assert outcome.suspects, "the three 王秀英 records are suspects"
    assert not any(outcome["m4"] in pair for pair in outcome.suspects)
    with warehouse.connect() as conn:
        rows = conn.fetchall("select party_id_a, party_id_b, match_weight, review_task_id, "
                             "task_probability, rank_probability, evidence "
                             "from matching.person_suspect")
        run = conn.fetchall("select review_tasks, queue_precision from matching.match_run")
    parties = sorted({outcome[m] for m in ("m1", "m2", "m3")})
    assert {row[3] for row in rows} == {"+".join(parties)}      # one task of three persons
    assert run == [(1, pytest.approx(sum(r[5] for r in rows) / len(rows)))]
    for _a, _b, weight, _task, task_probability, _p, evidence in rows:
        assert task_probability == max(r[5] for r in rows)
        shown = json.loads(evidence)
        levels = {comparison: level for comparison, level, _w in shown["levels"]}
        assert levels["name"] == "exact name" and levels["gender"] == "Exact match on gender"
        assert "王秀英" not in evidence and "1980" not in evidence      # labels, no values
        total = shown["prior"] + sum(w for *_, w in shown["levels"]) + shown["term_frequency"]
        assert total == pytest.approx(weight, abs=0.05)
        # ranked by how common the name is too: three of the five persons bear it
        assert shown["name_frequency"] < -10
        rank = weight + shown["name_frequency"]
        assert _p == pytest.approx(1 / (1 + 2 ** -rank), abs=1e-3)


def test_the_bound_leaves_the_least_likely_tasks_out_of_a_run(match, monkeypatch):
    thresholds = load_thresholds()
    monkeypatch.setattr("matching.run.load_thresholds", lambda: replace(
        thresholds, person_queue_max_share=0.0, person_queue_min_pairs=1))
    born = date(1975, 1, 2)
    outcome = match([
        mention("a1", "赵敏", "zhaomin", birth=born, gender="F", city="苏州市",
                district="姑苏区"),
        mention("a2", "赵敏", "zhaomin", birth=born, gender="F", city="苏州市",
                district="姑苏区"),
        mention("b1", "钱伟", "qianwei", birth_year=1975, gender="M"),
        mention("b2", "钱伟", "qianwei", birth_year=1975, gender="M"),
    ])
    # the better-evidenced pair (birth date, city, district) is the one kept
    assert outcome.suspects == {frozenset((outcome["a1"], outcome["a2"]))}


def test_a_common_name_ranks_below_a_rare_one_with_the_same_evidence(match, monkeypatch):
    thresholds = load_thresholds()
    monkeypatch.setattr("matching.run.load_thresholds", lambda: replace(
        thresholds, person_queue_max_share=0.0, person_queue_min_pairs=1))
    born = date(1990, 8, 8)
    same = {"birth": born, "gender": "M", "city": "成都市"}
    outcome = match([
        mention("w1", "王伟", "wangwei", **same), mention("w2", "王伟", "wangwei", **same),
        # more 王伟, told apart from them by birth year and gender: never suspects
        *(mention(f"x{i}", "王伟", "wangwei", birth=date(1950 + 5 * i, 1, 1), gender="F")
          for i in range(6)),
        mention("o1", "欧阳靖", "ouyangjing", **same),
        mention("o2", "欧阳靖", "ouyangjing", **same),
    ])
    assert outcome.suspects == {frozenset((outcome["o1"], outcome["o2"]))}
