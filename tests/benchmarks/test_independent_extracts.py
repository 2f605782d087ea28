"""The independent data set conforms to the source contract: the real loader lands every
file without a rejection, and its ground truth names every party mention."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.independent_extracts import write_independent_extracts
from ecif.extract_spec import ENTITIES, PARTY_ROLES, TRUTH_DIR
from ecif.landing.loader import land
from ecif.warehouse import Warehouse

TRAPS = {"placeholder_id", "placeholder_mobile", "agent_mobile", "spouse", "twin",
         "common_name", "sister_company", "branch"}
COLUMNS = ["source_system", "source_entity", "source_key", "source_role", "entity_id",
           "party_type", "traps", "dirt", "first_date", "last_date", "deleted"]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("independent")
    write_independent_extracts(d, persons=1500, orgs=150, seed=3, days=3)
    return d


def test_loader_lands_every_file_without_rejection(out: Path, tmp_path: Path) -> None:
    report = land(Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"), out)
    assert report.ok
    assert not report.rejected
    assert len(report.loaded) == len(ENTITIES) * 3


def _truth(out: Path) -> list[dict]:
    with (out / TRUTH_DIR / "mentions.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_truth_covers_every_party_mention(out: Path, tmp_path: Path) -> None:
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}")
    land(warehouse, out)
    truth = {(r["source_system"], r["source_entity"], r["source_key"], r["source_role"])
             for r in _truth(out)}
    with warehouse.connect() as conn:
        for system, entity, role in PARTY_ROLES:
            spec = next(e for e in ENTITIES if (e.system, e.entity) == (system, entity))
            name_col = {"customer": "name", "lead": "name"}.get(role, f"{role}_name")
            keys = conn.fetchall(
                f"select distinct {spec.key} from raw.{spec.raw_table} "
                f"where op <> 'D' and {name_col} is not null")
            assert keys, (system, entity, role)
            missing = [k for (k,) in keys if (system, entity, k, role) not in truth]
            assert not missing, (system, entity, role, len(missing))


def test_truth_uses_the_trap_vocabulary_and_a_delta_has_every_op(out: Path) -> None:
    rows = _truth(out)
    seen = {t for r in rows for t in r["traps"].split(";") if t}
    assert seen <= TRAPS
    assert {"spouse", "common_name", "branch", "sister_company"} <= seen
    ops = set()
    for path in (out / "core").glob("2026091[56]/customer.dat"):
        ops |= {line.rsplit("|", 1)[-1] for line in path.read_text("gbk").splitlines()[1:]}
    assert ops == {"I", "U", "D"}


def _dirt_share(out: Path) -> dict[str, float]:
    rows = _truth(out)
    labels = Counter(d for r in rows for d in r["dirt"].split(";") if d)
    return {label: n / len(rows) for label, n in labels.items()}


def test_twice_the_dirt_doubles_every_kind_of_dirt_and_still_lands(out: Path,
                                                                   tmp_path: Path) -> None:
    dirty = tmp_path / "dirty"
    write_independent_extracts(dirty, persons=1500, orgs=150, seed=3, days=3, dirt=2.0)
    normal, doubled = _dirt_share(out), _dirt_share(dirty)
    for label in ("missing_id", "missing_mobile", "missing_gender", "fullwidth", "stray_space",
                  "pinyin", "phone_format"):
        assert 1.5 < doubled[label] / normal[label] < 2.6, (label, normal[label],
                                                            doubled[label])
    # the data's nature is not dirt: as many legacy document types either way
    assert 0.6 < doubled["org_legacy_id"] / normal["org_legacy_id"] < 1.6
    report = land(Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"), dirty)
    assert report.ok and not report.rejected
    with pytest.raises(ValueError, match="dirt must be > 0"):
        write_independent_extracts(tmp_path / "none", persons=10, orgs=1, seed=3, dirt=0)
