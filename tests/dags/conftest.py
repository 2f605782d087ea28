"""Fixtures for the DAG tests: Airflow in a throw-away home (set before this process
first imports Airflow, which reads its configuration then), the DAG parsed as the
dag-processor parses it, and a small generated sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dags.airflow_env import REPO, airflow_env


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> Iterator[Path]:
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
def sample(tmp_path_factory) -> Path:
    """One business day, 20261101: 200 persons, 20 organizations."""
    from ecif.generate.extracts import generate_extracts

    out = tmp_path_factory.mktemp("extracts")
    generate_extracts(out, persons=200, orgs=20, days=1, seed=5)
    return out
