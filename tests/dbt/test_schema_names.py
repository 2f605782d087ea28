"""Schema names per dbt target: the production targets build into the contract's
schemas (outputs.md) and the service's internal one as named; a developer's target
prefixes each with its own schema."""

from __future__ import annotations

import json

import pytest

from ecif.dbt_runner import DBT_PROJECT_DIR, MANIFEST

CONTRACT = {"staging", "intermediate", "quality", "marts", "reports", "reference", "snapshots"}
# what the service, `ecif lookup` and erasure read (models/serving): not a public output
SCHEMAS = CONTRACT | {"serving"}


def built_schemas(manifest: dict) -> set[str]:
    return {node["schema"] for node in manifest["nodes"].values()
            if node["resource_type"] in ("model", "seed", "snapshot")}


def parsed(tmp_path, target: str, env: dict[str, str], monkeypatch) -> dict:
    from dbt.cli.main import dbtRunner

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = dbtRunner().invoke([
        "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR), "--target", target,
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")])
    assert result.success, result.exception
    return json.loads((tmp_path / "target" / "manifest.json").read_text())


def test_the_duckdb_target_builds_into_the_contract_schemas():
    assert built_schemas(json.loads(MANIFEST.read_text())) == SCHEMAS


@pytest.mark.parametrize(("target", "env", "expected"), [
    ("postgres", {}, SCHEMAS),
    ("dev", {"ECIF_DEV_SCHEMA": "dev_alice"}, {f"dev_alice_{s}" for s in SCHEMAS}),
    ("dev", {"USER": "bob"}, {f"dev_bob_{s}" for s in SCHEMAS}),
])
def test_only_a_dev_target_prefixes_the_schemas(tmp_path, monkeypatch, target, env, expected):
    monkeypatch.delenv("ECIF_DEV_SCHEMA", raising=False)
    assert built_schemas(parsed(tmp_path, target, env, monkeypatch)) == expected
