"""Fixtures for the DAG tests; airflow_home sets Airflow's environment on import."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dags.airflow_home import HOME


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    from airflow.models.pool import Pool
    from airflow.utils.db import initdb

    initdb()
    Pool.create_or_update_pool("ecif_warehouse", 1, "DuckDB: one writer", False)
    return HOME


@pytest.fixture(scope="session")
def extracts(airflow_db) -> Path:
    from ecif.generate.extracts import generate_extracts

    out = HOME / "extracts"
    generate_extracts(out, persons=200, orgs=20, days=2, seed=5)
    return out
