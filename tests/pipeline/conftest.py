"""A small generated sample run once through `ecif run`, shared by the pipeline tests."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.generate.extracts import generate_extracts
from ecif.warehouse import Warehouse
from tests.conftest import built_once

runner = CliRunner()


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> tuple[Path, Warehouse, str]:
    """(extracts, warehouse, what `ecif run` printed): this worker's copy."""
    folder = built_once(tmp_path_factory, "nightly", run_the_sample)
    return (folder / "extracts", Warehouse(f"duckdb:///{folder / 'ecif.duckdb'}"),
            (folder / "run-output.txt").read_text(encoding="utf-8"))


def run_the_sample(folder: Path) -> None:
    generate_extracts(folder / "extracts", persons=300, orgs=30, days=3, seed=11)
    warehouse = Warehouse(f"duckdb:///{folder / 'ecif.duckdb'}")
    result = runner.invoke(app, ["run", "--extracts", str(folder / "extracts"),
                                 "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    (folder / "run-output.txt").write_text(result.output, encoding="utf-8")
