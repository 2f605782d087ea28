"""The quality gate on a sample broken on purpose: 30% of core mobiles blanked and one
unmapped gender code. The right checks fail with the observed values, and the critical
one stops `run_nightly` before matching and the marts."""

import shutil

import pandas as pd
import pytest

from ecif.pipeline import run_nightly
from ecif.staging_state import forget_processed
from ecif.warehouse import Warehouse
from expectations.checks import Check, Metric, Suite
from expectations.gate import QualityGateError
from expectations.validation import validate

CORE = "source_system = 'core' and source_entity = 'customer'"


@pytest.fixture(scope="module")
def broken(sample, tmp_path_factory):
    extracts, clean, _ = sample
    warehouse = Warehouse(f"duckdb:///{tmp_path_factory.mktemp('broken') / 'ecif.duckdb'}")
    with clean.connect() as conn:
        conn.execute("checkpoint")  # everything in the file, nothing left in its WAL
    shutil.copy(clean.duckdb_path, warehouse.duckdb_path)
    with warehouse.connect() as conn:
        mentions, with_mobile = conn.fetchone(
            f"select count(*), count(mobile) from intermediate.int_party_mention where {CORE}")
        blanked = round(0.3 * mentions)
        keys = [k for (k,) in conn.fetchall(
            "select source_key from intermediate.int_party_mention "
            f"where {CORE} and mobile is not null order by source_key limit ?", [blanked])]
        marks = ", ".join("?" * len(keys))
        conn.execute(f"update raw.core__customer set mobile = null where cust_no in ({marks})",
                     keys)
        conn.execute("update raw.core__customer set gender = 'X' where cust_no = ?", [keys[0]])
        # raw changed in place (as an erasure does): staging must rebuild the entity
        forget_processed(conn, {("core", "customer")})
        # marts rebuilt by dbt would lose this row
        conn.execute("insert into marts.customer (party_id, party_type, id_status) "
                     "values ('SENTINEL', 'P', 'NONE')")
        runs = conn.scalar("select count(*) from matching.match_run")
    with pytest.raises(QualityGateError) as stopped:
        run_nightly(warehouse, extracts)
    expected = {"mobile_completeness": (with_mobile - blanked) / mentions,
                "unmapped_code_share": 1 / mentions}
    return warehouse, str(stopped.value), expected, runs


def results(warehouse, where):
    with warehouse.connect() as conn:
        return conn.fetchall(
            "select check_name, observed_value, success from quality.validation_result "
            f"where run_id = (select max(run_id) from quality.validation_result) and {where} "
            "order by check_name")


def test_the_message_names_the_critical_check_and_its_observed_value(broken):
    _, message, expected, _ = broken
    assert "1 critical check(s) failed" in message
    assert (f"core.customer.customer.mobile_completeness = "
            f"{expected['mobile_completeness']:.4g} (expected >= 0.7)") in message


def test_the_right_checks_fail_with_the_observed_values(broken):
    warehouse, _, expected, _ = broken
    failed = results(warehouse, "not success")
    assert [name for name, _, _ in failed] == [
        "core.customer.customer.mobile_completeness [critical]",
        "core.customer.customer.mobile_completeness [warning]",
        "core.customer.unmapped_code_share [warning]",
    ]
    observed = {name.split(".")[-1].split(" ")[0]: value for name, value, _ in failed}
    assert observed == pytest.approx(expected)
    # a little dirt is normal: the unmapped share stays under its critical bound
    assert results(warehouse, "check_name = 'core.customer.unmapped_code_share [critical]'")[0][2]


def test_a_critical_failure_stops_the_run_before_matching_and_marts(broken):
    warehouse, _, _, runs = broken
    with warehouse.connect() as conn:
        assert conn.scalar("select count(*) from matching.match_run") == runs
        assert conn.scalar("select count(*) from marts.customer where party_id = 'SENTINEL'") == 1
        suites = conn.fetchall("select distinct suite from quality.validation_result where "
                               "run_id = (select max(run_id) from quality.validation_result)")
    assert sorted(suites) == [("raw",), ("staging",)]


def test_the_clean_sample_passes_every_critical_check_on_both_layers(sample):
    _, warehouse, output = sample
    assert "quality Q000001:" in output
    with warehouse.connect() as conn:
        assert conn.fetchall("select distinct suite from quality.validation_result "
                             "order by suite") == [("admission",), ("marts",), ("raw",),
                                                   ("staging",)]
        assert conn.scalar("select count(*) from quality.validation_result "
                           "where severity = 'critical' and not success") == 0


def test_a_changed_check_is_judged_by_its_new_bounds_in_the_same_docs(tmp_path):
    """GX keeps each suite in its file context across runs; a check whose bounds change
    must be judged by the new ones, and the old ones again when they come back."""
    metric = Metric("core.customer.customer.mobile_completeness", "staging.x", "", "1",
                    "core", "completeness")
    frame = pd.DataFrame({metric.column: [0.95]})

    def judged(low: float) -> bool:
        suite = Suite("staging", (Check(metric, "critical", min_value=low, max_value=1.0),))
        (result,) = validate(suite, frame, tmp_path)
        return result.success
    assert [judged(0.9), judged(0.9), judged(0.99), judged(0.9)] == [True, True, False, True]
