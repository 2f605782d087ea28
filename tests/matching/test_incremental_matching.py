"""A night's matching on the stored state equals a run from scratch on the same data.

Generated mentions are written straight into `intermediate.int_party_mention` (and
`int_contract_name_link`, `matching.link_constraint`) night after night: inserts, an
update that moves a mention to another person, deletes, a steward merge and split,
their revocation and an erasure, then a night with nothing new. Each night the
incremental run (in small clustering batches) and a run from scratch, on a copy
holding the same previous assignment, must give the same parties, ids, suspects,
suspect groups and merge history.
"""

from __future__ import annotations

import random
from datetime import date, datetime

import pandas as pd
import pytest

from ecif.identifiers import mention_id
from ecif.warehouse import Warehouse, write_frame
from matching import run
from matching.mentions import COLUMNS
from matching.run import run_matching
from tests.conftest import temporary_pg_database
from tests.matching.test_person_rules import mention, rid

SURNAMES = "张王李赵刘陈"
GIVEN = "伟芳娜敏静磊"
SYSTEMS = ("core|customer", "policy|holder", "claims|claimant")


def people(rng: random.Random, count: int) -> list[dict]:
    """Mentions of `count` persons, 1–3 each; names repeat across persons (suspects)."""
    rows = []
    for i in range(count):
        s, g = rng.randrange(len(SURNAMES)), rng.randrange(len(GIVEN))
        birth = date(1960 + rng.randrange(3), 1 + rng.randrange(2), 1 + rng.randrange(2))
        id_no = rid("110101", birth, f"{i:03d}") if rng.random() < 0.7 else None
        mobile = f"139{i:08d}" if rng.random() < 0.7 else None
        for j in range(1 + rng.randrange(3)):
            values = {"birth": birth, "gender": "MF"[i % 2]}
            if id_no and rng.random() < 0.8:
                values["id_no"] = id_no
            if mobile and rng.random() < 0.7:
                values["mobile"] = mobile
            rows.append(mention(f"{SYSTEMS[j]}|P{i:03d}|x", SURNAMES[s] + GIVEN[g],
                                f"py{s}{g}", **values))
    return rows


def organizations(rng: random.Random, count: int) -> list[dict]:
    """1–2 mentions per organization; every third shares its name with the next one
    under another code (a suspect group)."""
    rows = []
    for i in range(count):
        name = f"城{i - i % 3 * (i % 3 == 1)}科技有限公司"
        uscc = f"91110101{i:09d}X"
        for j in range(1 + rng.randrange(2)):
            rows.append(mention(f"{SYSTEMS[j]}|O{i:03d}|x", name, None, party_type="O",
                                org_head_name=name, id_type="USCC", id_no=uscc,
                                id_problem=None, id_valid=True, id_informative=True))
    return rows


def write_night(warehouse: Warehouse, rows: list[dict], links: list[tuple[str, str]],
                constraints: list[tuple[str, str, str, datetime, str]]) -> None:
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).astype(
        {"birth_date": "datetime64[s]", "id_birth_date": "datetime64[s]",
         "birth_year": "Int64", "id_valid": bool, "id_informative": bool,
         "mobile_valid": bool, "mobile_informative": bool})
    with warehouse.connect() as conn:
        conn.execute("create schema if not exists intermediate")
        write_frame(conn, "intermediate", "int_party_mention", frame)
        write_frame(conn, "intermediate", "int_contract_name_link", pd.DataFrame(
            links or None, columns=["mention_id_a", "mention_id_b"], dtype="string"))
        write_frame(conn, "intermediate", "int_mobile_tie", pd.DataFrame(
            columns=["mention_id", "mobile"], dtype="string"))
        write_frame(conn, "matching", "link_constraint", pd.DataFrame(
            [(a, b, kind, "steward", at, reason) for a, b, kind, at, reason in constraints],
            columns=["mention_id_a", "mention_id_b", "kind", "decided_by", "decided_at",
                     "reason"]).astype({"decided_at": "datetime64[us]"}))


def copy_assignment(source: Warehouse, target: Warehouse) -> None:
    """The previous run's ids, which a run from scratch keeps stable too."""
    with source.connect() as src, target.connect() as dst:
        for table in ("party_mention", "party_id_sequence"):
            if not src.table_exists("matching", table):
                continue
            columns = src.columns("matching", table)
            frame = pd.DataFrame(src.fetchall(f"select * from matching.{table}"),
                                 columns=columns)
            write_frame(dst, "matching", table, frame.astype(
                {"next_number": "int64"} if table == "party_id_sequence" else {}))


def outcome(warehouse: Warehouse, run_id: str) -> dict[str, list[tuple]]:
    queries = {
        "party_mention": "select mention_id, party_type, party_id from matching.party_mention",
        "person_suspect": "select party_id_a, party_id_b, match_weight, match_probability, "
                          "mention_pairs, review_task_id, task_probability, evidence "
                          "from matching.person_suspect",
        "suspect_group_member": "select suspect_group_id, party_id, score "
                                "from matching.suspect_group_member",
        "merge_history": "select event, party_id, related_party_ids, mention_count "
                         f"from matching.merge_history where run_id = '{run_id}'",
        "party_id_sequence": "select next_number from matching.party_id_sequence",
    }
    with warehouse.connect() as conn:
        return {name: sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                             for row in conn.fetchall(sql))
                for name, sql in queries.items()}


@pytest.fixture(params=["duckdb", "postgres"])
def warehouses(request, tmp_path):
    """(nightly, scratch): the incremental warehouse and where a run from scratch goes."""
    if request.param == "duckdb":
        yield tuple(Warehouse(f"duckdb:///{tmp_path / f'{n}.duckdb'}")
                    for n in ("nightly", "scratch"))
        return
    with temporary_pg_database() as nightly, temporary_pg_database() as scratch:
        yield nightly, scratch


def party_of(warehouse: Warehouse) -> dict[str, str]:
    with warehouse.connect() as conn:
        return dict(conn.fetchall("select mention_id, party_id from matching.party_mention"))


def test_each_night_equals_a_run_from_scratch(warehouses, monkeypatch):
    nightly, scratch = warehouses
    rng = random.Random(7)
    rows = people(rng, 70) + organizations(rng, 12)
    held_back = rows[-25:-12]          # inserted on night 2
    rows = [r for r in rows if r not in held_back]
    links: list[tuple[str, str]] = []
    constraints: list[tuple[str, str, str, datetime, str]] = []
    reports = []

    def night(number: int) -> None:
        run_id = f"R{number:06d}"
        write_night(nightly, rows, links, constraints)
        write_night(scratch, rows, links, constraints)
        copy_assignment(nightly, scratch)
        with scratch.connect() as conn:
            run_matching(conn, run_id, full=True)
        # small batches: a component-local clustering must not notice them
        monkeypatch.setattr(run, "BATCH_MENTIONS", 20)
        with nightly.connect() as conn:
            reports.append(run_matching(conn, run_id))
        monkeypatch.undo()
        assert outcome(nightly, run_id) == outcome(scratch, run_id), f"night {number}"

    night(1)
    assert reports[-1].mode == "FULL"

    # inserts, a contract link, and a mention that turns out to be another person's
    rows += held_back
    by_id = {r["mention_id"]: r for r in rows}
    singles = [r for r in rows if r["party_type"] == "P" and r["id_no"] is None]
    mover, target = singles[0], next(r for r in rows if r["mobile"] and r["id_no"]
                                      and r["name_std"] != singles[0]["name_std"])
    before = party_of(nightly)
    for column in ("name_std", "pinyin_key", "birth_date", "birth_year", "gender", "mobile",
                   "mobile_valid", "mobile_informative"):
        mover[column] = target[column]
    twins = [r for r in rows if r["party_type"] == "P" and r is not mover]
    links.append((twins[3]["mention_id"], twins[4]["mention_id"]))
    night(2)
    assert reports[-1].mode == "DELTA"
    assert 0 < reports[-1].reclustered < len(rows) / 2
    after = party_of(nightly)
    assert after[mover["mention_id"]] == after[target["mention_id"]]
    assert before[mover["mention_id"]] != before[target["mention_id"]]

    # deletes
    for gone in rng.sample(rows, 8):
        rows.remove(gone)
    night(3)

    # a steward merges two parties and splits another
    assigned = party_of(nightly)
    persons = sorted(m for m in assigned if m in by_id and by_id[m]["party_type"] == "P"
                     and by_id[m] in rows)
    a, b = next((x, y) for x in persons for y in persons if assigned[x] < assigned[y])
    members = pd.Series(assigned).loc[persons]
    big = members.value_counts().index[0]
    c, d = sorted(members[members == big].index)[:2]
    constraints += [(a, b, "MUST", datetime(2026, 1, 1), "request:1"),
                    (c, d, "CANNOT", datetime(2026, 1, 1), "request:2")]
    night(4)
    merged = party_of(nightly)
    assert merged[a] == merged[b] and merged[c] != merged[d]

    # the merge is revoked, and one party is erased
    constraints.append((a, b, "REVOKED", datetime(2026, 1, 2), "revoked:1:by:3"))
    erased = next(merged[m] for m in reversed(persons)
                  if merged[m] not in {merged[a], merged[c], merged[d]})
    rows = [r for r in rows if merged.get(r["mention_id"]) != erased]
    night(5)
    revoked = party_of(nightly)
    assert erased not in revoked.values()
    assert revoked[a] != revoked[b]

    # nothing new: nothing scored, nothing clustered again
    night(6)
    assert (reports[-1].mode, reports[-1].rescored, reports[-1].reclustered) == ("DELTA", 0, 0)


def test_changed_thresholds_or_models_start_from_scratch(duckdb_warehouse, tmp_path):
    rng = random.Random(3)
    write_night(duckdb_warehouse, people(rng, 10), [], [])
    models = {k: tmp_path / v.name for k, v in run.MODEL_FILES.items()}
    for party_type, path in models.items():
        path.write_bytes(run.MODEL_FILES[party_type].read_bytes())
    with duckdb_warehouse.connect() as conn:
        modes = [run_matching(conn, "R000001", models=models).mode,
                 run_matching(conn, "R000002", models=models).mode]
        models["P"].write_text(models["P"].read_text() + "\n")
        modes.append(run_matching(conn, "R000003", models=models).mode)
        modes.append(run_matching(conn, "R000004", models=models, full=True).mode)
    assert modes == ["FULL", "DELTA", "FULL", "FULL"]


def test_a_run_from_scratch_keeps_the_parties_identification_created(warehouse):
    """A party identification created after the staging build (its mention unseen by
    the run) keeps its matching.party_mention row through `ecif run --full`'s matching,
    and so its id the next night, which sees its mention."""
    rows = people(random.Random(5), 10)
    created = mention_id("steward", "manual_customer", "I0000000999", "customer")
    write_night(warehouse, rows, [], [])
    with warehouse.connect() as conn:
        run_matching(conn, "R000001")
        conn.execute("insert into matching.party_mention (mention_id, party_type, party_id, "
                     "run_id) values (?, 'P', 'P0000000999', ?)", [created, run.IDENTIFY_RUN])
        run_matching(conn, "R000002", full=True)
        assert conn.fetchall("select party_id, run_id from matching.party_mention "
                             "where mention_id = ?", [created]) == [("P0000000999", "identify")]
    write_night(warehouse, [*rows, mention(created, "候补甲", "houbujia", birth=date(1975, 5, 5),
                                           id_no=rid("310105", date(1975, 5, 5), "999"))],
                [], [])
    with warehouse.connect() as conn:
        run_matching(conn, "R000003")
    assert party_of(warehouse)[created] == "P0000000999"
