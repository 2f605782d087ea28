"""`ecif run` end to end on a small generated sample, on the embedded DuckDB default,
and one more night on a copy of it (new, changed, refused and overdue files)."""

import csv
import datetime as dt
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ecif.cli import EXIT_NEEDS_ATTENTION, app
from ecif.extract_spec import BY_NAME
from ecif.generate.identifiers import mobiles as generated_mobiles
from ecif.identifiers import id_problem, mobile_problem
from ecif.landing.parsers import parse_file
from ecif.warehouse import Warehouse
from tests.landing.landing_files import customer, deliver

runner = CliRunner()


def fetch(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def truth_mentions(extracts: Path) -> dict[tuple, str]:
    with (extracts / "ground_truth" / "mentions.csv").open(encoding="utf-8") as fh:
        return {(r["source_system"], r["source_entity"], r["source_key"], r["source_role"]):
                r["entity_id"] for r in csv.DictReader(fh) if r["deleted"] == "false"}


def test_the_summary_names_rows_customers_and_step_times(sample):
    _, _, output = sample
    assert "landing: 24 batch(es) loaded" in output and "0 rejected" in output
    assert "customers:" in output and "persons" in output and "organizations" in output
    for step in ("land", "staging", "matching", "marts"):
        assert f"{step} " in output


def test_every_current_mention_resolves_exactly_once(sample):
    extracts, warehouse, _ = sample
    xref = fetch(warehouse, "select source_system, source_entity, source_key, source_role "
                            "from marts.customer_xref")
    assert len(xref) == len(set(xref))
    assert set(xref) == set(truth_mentions(extracts))
    orphans = fetch(warehouse, "select count(*) from marts.customer_xref x left join "
                               "marts.customer c on c.party_id = x.party_id "
                               "where c.party_id is null")
    assert orphans == [(0,)]


def test_strong_rules_never_merge_two_true_entities(sample):
    extracts, warehouse, _ = sample
    truth = truth_mentions(extracts)
    entities_per_party = defaultdict(set)
    for *key, party_id in fetch(warehouse, "select source_system, source_entity, source_key, "
                                           "source_role, party_id from marts.customer_xref"):
        entities_per_party[party_id].add(truth[tuple(key)])
    assert max(len(e) for e in entities_per_party.values()) == 1
    # and it does merge: the same person's records across systems share a party
    assert sum(len(e) for e in entities_per_party.values()) < len(truth)
    merged = fetch(warehouse, "select count(*) from (select party_id from marts.customer_xref "
                              "group by party_id having count(distinct source_system) > 1) t")
    assert merged[0][0] > 50


def test_golden_records_follow_the_contract(sample):
    _, warehouse, _ = sample
    rows = fetch(warehouse, "select party_type, gender, mobile, status from marts.customer")
    assert {r[0] for r in rows} == {"P", "O"}
    assert {r[1] for r in rows if r[0] == "P"} <= {"M", "F", "U"}
    assert all(r[2] is None or (len(r[2]) == 11 and r[2].isdigit()) for r in rows)
    assert {r[3] for r in rows} == {"ACTIVE"}


def test_no_golden_id_or_mobile_fails_its_rule_or_is_a_placeholder(sample):
    """Checked with the Python twin of the staging rules (held to the SQL by
    tests/test_identifier_rules.py), not with the SQL the marts use."""
    _, warehouse, _ = sample
    rows = fetch(warehouse, "select party_type, id_type, id_no, id_status, mobile "
                            "from marts.customer")
    assert not [r for r in rows if r[2] is not None and id_problem(r[1], r[2])]
    assert not [r for r in rows if r[4] is not None and mobile_problem(r[4])]
    assert all((r[2] is not None) == (r[3] == "VALID") for r in rows)
    # the sample holds bad and placeholder IDs (generator traps), persons and organizations:
    # an organization whose every ID is bad (its person of that kind, a payer with a bad
    # check digit, is one with the holder of the policy it pays, whose ID is valid: the
    # contract-name link reads 郑燕健 and the holder's 正燕健 alike)
    seen = {(r[0], r[3]) for r in rows}
    assert {("P", "VALID"), ("O", "VALID"), ("O", "INVALID_ONLY")} <= seen
    invalid = fetch(warehouse, (
        "select count(*) from marts.customer_attribute_lineage as lineage "
        "join marts.customer as c on c.party_id = lineage.party_id "
        "where lineage.attribute = 'id' and not lineage.is_valid and c.id_no is null"))
    assert invalid[0][0] == sum(r[3] == "INVALID_ONLY" for r in rows)


def test_the_suspect_marts_publish_the_last_matching_run(sample):
    _, warehouse, _ = sample
    groups = fetch(warehouse, "select suspect_group_id, party_id, score "
                              "from marts.suspect_group_member order by 1, 2")
    assert groups and groups == fetch(warehouse, "select suspect_group_id, party_id, score "
                                                 "from matching.suspect_group_member order by 1, 2")
    pairs = fetch(warehouse, "select party_id_a, party_id_b, match_probability, review_task_id "
                             "from marts.person_suspect order by 1, 2")
    assert pairs and pairs == fetch(
        warehouse, "select party_id_a, party_id_b, match_probability, review_task_id "
                   "from matching.person_suspect order by 1, 2")
    # a pair's task names its parties (matching.review_tasks)
    assert all({a, b} <= set(task.split("+")) for a, b, _, task in pairs)


def test_a_second_run_of_the_same_input_changes_nothing(sample):
    extracts, warehouse, _ = sample
    before = fetch(warehouse, "select * from marts.customer_xref order by 1, 2, 3, 4")
    result = runner.invoke(app, ["run", "--extracts", str(extracts),
                                 "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    assert "0 batch(es) loaded" in result.output and "24 already loaded" in result.output
    assert fetch(warehouse, "select * from marts.customer_xref order by 1, 2, 3, 4") == before
    assert fetch(warehouse, "select count(*) from matching.merge_history") == [(0,)]


@pytest.fixture(scope="module")
def fourth_night(sample, tmp_path_factory):
    """One more night on a copy of the sample, its core customers of 20261104 new (CNEW)
    or generated customers with a new mobile, beside a refused and an overdue file:
    (the copy, the night's result, the golden mobiles before it, the changed keys)."""
    extracts, warehouse, _ = sample
    root = tmp_path_factory.mktemp("fourth_night")
    shutil.copytree(extracts, root / "extracts")
    shutil.copy(warehouse.duckdb_path, root / "ecif.duckdb")
    copy = Warehouse(f"duckdb:///{root / 'ecif.duckdb'}")
    changed = changed_mobiles(extracts, 10)
    deliver(root / "extracts", "core", "customer", "20261104",
            [customer("CNEW"), *changed])
    deliver(root / "extracts", "core", "customer", "20991231", [customer("CFUTURE")])
    deliver(root / "extracts", "uw", "uw_case", "20261104",
            [{"case_id": "UNEW", "op": "I"}], with_ok=False)
    before = mobiles(copy)
    result = runner.invoke(app, ["run", "--extracts", str(root / "extracts"),
                                 "--warehouse", copy.url])
    return copy, result, before, [r["cust_no"] for r in changed]


def changed_mobiles(extracts: Path, n: int) -> list[dict]:
    """The latest rows of n generated person customers, updated on 20261104 with a new
    generated mobile."""
    spec = BY_NAME[("core", "customer")]
    latest = {}
    for day in sorted((extracts / "core").iterdir()):
        for row in parse_file((day / spec.file_name).read_bytes(), spec).to_pylist():
            latest[row["cust_no"]] = row
    persons = [r for r in latest.values()
               if r["cust_type"] == "1" and r["op"] != "D" and r["mobile"]][:n]
    new = generated_mobiles(np.random.default_rng(4), n)
    return [{**{k: v or "" for k, v in r.items()},   # a missing value is an empty field
             "mobile": m, "updated_date": "20261104", "op": "U"}
            for r, m in zip(persons, new, strict=True)]


def mobiles(warehouse: Warehouse) -> dict[str, str]:
    return dict(fetch(warehouse, "select party_id, mobile from marts.customer"))


def test_refused_or_overdue_files_exit_3_after_loading_what_could_be_loaded(fourth_night):
    copy, result, _, _ = fourth_night
    assert result.exit_code == EXIT_NEEDS_ATTENTION == 3, result.output
    assert "REJECTED core/20991231/customer.dat" in result.output
    assert "OVERDUE  uw/20261104/uw_case.csv" in result.output
    assert fetch(copy, "select count(*) from marts.customer_xref "
                       "where source_key = 'CNEW'") == [(1,)]


def test_the_refused_and_the_overdue_file_are_exceptions_once_each(fourth_night):
    """Read after every step of the night, each is one row counted once."""
    copy, _, _, _ = fourth_night
    assert fetch(copy, "select kind, system, key, count, status from ops.exception "
                       "where kind in ('LANDING_REFUSED', 'DELIVERY_OVERDUE') order by kind") == [
        ("DELIVERY_OVERDUE", "uw", "uw_case 20261104", 1, "OPEN"),
        ("LANDING_REFUSED", "core", "customer 20991231", 1, "OPEN")]


def test_a_changed_mobile_is_current_and_the_old_one_is_history(sample, fourth_night):
    """Generated customers through a DELTA mobile change: the golden record takes the new
    mobile, and the history still answers the old one for the old date."""
    with (sample[0] / "ground_truth" / "mentions.csv").open(encoding="utf-8") as fh:
        assert [r for r in csv.DictReader(fh) if r["source_system"] == "core"
                and "changed_mobile" in r["dirt"]], "the generator's dirt changes some mobiles"
    warehouse, _, before, changed_keys = fourth_night
    after = mobiles(warehouse)
    with warehouse.connect() as conn:
        parties = {key: conn.scalar("select party_id from marts.customer_xref where "
                                    "source_system = 'core' and source_key = ?", [key])
                   for key in changed_keys}
        latest = {key: conn.scalar(
            "select mobile from staging.stg_core__customer where cust_no = ?", [key])
            for key in changed_keys}
        followed = [key for key, party in parties.items()
                    if before.get(party) and after.get(party) != before.get(party)]
        assert followed, "some changed mobile reaches a golden record"
        for key in followed:
            party = parties[key]
            assert after[party] == latest[key]

            def mobile_on(day: dt.date, party: str = party) -> str:
                return conn.scalar(
                    "select mobile from snapshots.customer_contact_history "
                    "where party_id = ? and dbt_valid_from <= ? "
                    "and (dbt_valid_to > ? or dbt_valid_to is null)", [party, day, day])

            assert mobile_on(dt.date(2026, 11, 3)) == before[party]
            assert mobile_on(dt.date(2026, 11, 4)) == after[party]


@pytest.mark.parametrize("args, message", [
    (["run", "--extracts", "/nonexistent/folder"], "does not exist"),
    (["run", "--extracts", ".", "--through", "2026-11-01"], "expected YYYYMMDD"),
    (["run", "--extracts", ".", "--rerun", "crm:20261101"], "SYSTEM:YYYYMMDD"),
    (["run", "--extracts", ".", "--warehouse", "mysql://x"], "unsupported warehouse URL"),
    (["run", "--extracts", ".", "--warehouse",
      "postgresql://postgres@127.0.0.1:5432/ecif_no_such_database"],
     'database "ecif_no_such_database" does not exist'),
])
def test_bad_arguments_give_one_clear_line(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
