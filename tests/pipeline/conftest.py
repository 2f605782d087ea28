"""A small generated sample run once through `ecif run`, shared by the pipeline tests."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.generate.extracts import generate_extracts
from ecif.warehouse import Warehouse

runner = CliRunner()


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> tuple[Path, Warehouse, str]:
    root = tmp_path_factory.mktemp("nightly")
    extracts = root / "extracts"
    generate_extracts(extracts, persons=300, orgs=30, days=3, seed=11)
    warehouse = Warehouse(f"duckdb:///{root / 'ecif.duckdb'}")
    result = runner.invoke(app, ["run", "--extracts", str(extracts),
                                 "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    return extracts, warehouse, result.output
