"""The generated sample run once through `ecif run` (all its days), shared by the
pipeline tests."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.warehouse import Warehouse
from tests.conftest import built_once

runner = CliRunner()


@pytest.fixture(scope="session")
def sample(tmp_path_factory, sample_extracts) -> tuple[Path, Warehouse, str]:
    """(extracts, warehouse, what `ecif run` printed): this worker's copy."""
    folder = built_once(tmp_path_factory, "nightly",
                        lambda folder: run_the_sample(sample_extracts, folder))
    return (folder / "extracts", Warehouse(f"duckdb:///{folder / 'ecif.duckdb'}"),
            (folder / "run-output.txt").read_text(encoding="utf-8"))


def run_the_sample(extracts: Path, folder: Path) -> None:
    shutil.copytree(extracts, folder / "extracts")
    warehouse = Warehouse(f"duckdb:///{folder / 'ecif.duckdb'}")
    result = runner.invoke(app, ["run", "--extracts", str(folder / "extracts"),
                                 "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    (folder / "run-output.txt").write_text(result.output, encoding="utf-8")
