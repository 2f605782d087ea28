"""The suites on PostgreSQL: the sample's checked tables copied from DuckDB give the
same metrics on both engines, and the results table is written on PostgreSQL too."""

import pandas as pd
import pytest

from ecif.warehouse import write_frame
from expectations.gate import check_quality
from expectations.metrics import compute_metrics
from expectations.suites import AFTER_MARTS, BEFORE_MARTS


def test_metrics_and_results_agree_on_postgresql(sample, pg_warehouse, tmp_path):
    _, duck, _ = sample
    suites = BEFORE_MARTS + AFTER_MARTS
    tables = {m.relation.split()[0] for s in suites for m in s.metrics}
    # the staging counts of the unmapped/unparsable shares read staging tables too
    tables |= {f"staging.stg_{m.name.split('.')[0]}__{m.name.split('.')[1]}"
               for s in suites for m in s.metrics if "dq_exception" in m.relation}
    with duck.connect() as source, pg_warehouse.connect() as target:
        for table in sorted(tables):
            schema, name = table.split(".")
            # Arrow dtypes keep nullable booleans boolean (numpy would make them text)
            frame = source.raw.sql(f"select * from {table}").fetch_arrow_table().to_pandas(
                types_mapper=pd.ArrowDtype)
            write_frame(target, schema, name, frame)
        for suite in suites:
            on_duckdb = compute_metrics(source, suite.metrics)
            on_postgres = compute_metrics(target, suite.metrics)
            assert on_postgres.iloc[0].to_dict() == pytest.approx(
                on_duckdb.iloc[0].to_dict(), nan_ok=True), suite.name
    report = check_quality(pg_warehouse, suites, "Q000001", tmp_path)
    with pg_warehouse.connect() as conn:
        rows = conn.fetchall("select suite, count(*), sum(case when success then 1 else 0 end) "
                             "from quality.validation_result group by suite order by suite")
    assert [(s, n) for s, n, _ in rows] == [(s.name, len(s.checks)) for s in
                                            sorted(suites, key=lambda s: s.name)]
    assert sum(p for *_, p in rows) == sum(r.success for r in report.results)
