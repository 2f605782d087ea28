"""Fixtures for the DAG tests: Airflow in a throw-away home (set before this process
first imports Airflow, which reads its configuration then), the DAG parsed as the
dag-processor parses it, and `ecif run` on the sample's first day."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecif.warehouse import Warehouse
from tests.conftest import built_once
from tests.dags.airflow_env import REPO, airflow_env
from tests.dags.nights import DAY, marts


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> Iterator[Path]:
    # Airflow reads its configuration (this home, its database) when it is first imported
    assert "airflow" not in sys.modules, (
        "Airflow was imported before the tests' Airflow home was set: a test module "
        "imports it (or ecif.orchestration.cosmos_dbt) when it is collected")
    home = tmp_path_factory.mktemp("airflow-home")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in airflow_env(home).items():
            mp.setenv(name, value)
        yield home


@pytest.fixture(scope="session")
def airflow_db(airflow_home) -> Path:
    from airflow.utils.db import initdb

    initdb()
    return airflow_home


@pytest.fixture(scope="session")
def dag(airflow_home):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    return bag.dags["ecif_nightly"]


@pytest.fixture(scope="session")
def night(tmp_path_factory, sample_extracts) -> Path:
    """`ecif run` on the sample's first business day, 20261101, in ecif.duckdb: what
    every Airflow night must publish."""
    return built_once(tmp_path_factory, "airflow-night",
                      lambda folder: run_one_night(sample_extracts, folder))


def run_one_night(extracts: Path, folder: Path) -> None:
    from ecif import pipeline

    warehouse = Warehouse(f"duckdb:///{folder / 'ecif.duckdb'}")
    pipeline.run_nightly(warehouse, extracts, through=DAY)


@pytest.fixture(scope="session")
def clean_run(night) -> Warehouse:
    return Warehouse(f"duckdb:///{night / 'ecif.duckdb'}")


@pytest.fixture(scope="session")
def reference(clean_run) -> dict[str, list[tuple]]:
    """The marts of `ecif run` on the sample."""
    published = marts(clean_run)
    assert published["customer_xref"] and published["renewal_target"]
    return published
