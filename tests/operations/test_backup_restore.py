"""Backup and restore on both engines: the restore drill (back up, move the warehouse on,
restore, the marts are the backed-up ones, the next night runs on the restored
warehouse), the refusal to overwrite, encryption and retention. One small sample, one
warehouse per engine."""

from __future__ import annotations

import json
import stat
import struct

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from ecif import ops_log
from ecif.backup import KEY_ENV, MANIFEST, backups, checksums
from ecif.cli import app
from ecif.generate.extracts import generate_extracts
from ecif.pipeline import land_step
from ecif.warehouse import Warehouse
from tests.conftest import temporary_pg_database

pytestmark = pytest.mark.slow
runner = CliRunner()


def ecif(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def marts(warehouse: Warehouse) -> dict[str, dict]:
    with warehouse.connect() as conn:
        return {t: v for t, v in checksums(conn).items() if t.startswith("marts.")}


BASE64URL = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


def tokens(sealed: bytes):
    """The chunks of an encrypted backup file: each a big-endian length, then a token."""
    at = 0
    while at < len(sealed):
        (size,) = struct.unpack(">Q", sealed[at:at + 8])
        yield sealed[at + 8:at + 8 + size]
        at += 8 + size


def marts_date(warehouse: Warehouse) -> str:
    with warehouse.connect() as conn:
        return conn.scalar("select max(business_date) from raw.landing_batch")


@pytest.fixture(scope="module")
def drill(module_warehouse, tmp_path_factory):
    """The first two nights, a backup, then the warehouse moved past it without a night
    (the third day landed, a golden record deleted), then a forced restore. The one night
    the test runs after the restore is the proof that the restored warehouse works."""
    root = tmp_path_factory.mktemp("drill")
    extracts = root / "extracts"
    generate_extracts(extracts, persons=80, orgs=8, days=3, seed=7)
    days = sorted(p.name for p in (extracts / "core").iterdir())
    url = module_warehouse.url
    ecif("run", "--extracts", str(extracts), "--warehouse", url, "--through", days[1])
    before = marts(module_warehouse)
    ecif("backup", "--out", str(root / "backups"), "--warehouse", url)
    (folder,) = backups(root / "backups")
    land_step(module_warehouse, extracts, through=days[2])
    with module_warehouse.connect() as conn:
        conn.execute("delete from marts.customer "
                     "where party_id = (select min(party_id) from marts.customer)")
    changed = marts(module_warehouse), marts_date(module_warehouse)
    refused = runner.invoke(app, ["restore", "--from", str(root / "backups"),
                                  "--warehouse", url])
    ecif("restore", "--from", str(root / "backups"), "--warehouse", url, "--force")
    return extracts, days, folder, before, changed, refused


def test_restore_brings_back_the_backed_up_marts_and_the_next_night_runs(drill,
                                                                        module_warehouse):
    extracts, days, folder, before, (changed, changed_date), _ = drill
    assert before and before != changed         # restore has a mart to put back
    assert changed_date == days[2]               # and a landed day to take away
    assert marts(module_warehouse) == before
    manifest = json.loads((folder / MANIFEST).read_text())
    assert {t: v for t, v in manifest["tables"].items() if t.startswith("marts.")} == before
    assert max(b["business_date"] for b in manifest["landing"]) == days[1]
    assert marts_date(module_warehouse) == days[1]
    ecif("run", "--extracts", str(extracts), "--warehouse", module_warehouse.url,
         "--through", days[2])
    assert marts_date(module_warehouse) == days[2]
    assert marts(module_warehouse).keys() == before.keys()


def test_a_warehouse_with_tables_is_not_overwritten_without_force(drill):
    refused = drill[-1]
    assert refused.exit_code == 1
    assert "--force" in refused.output


def test_backups_are_owner_only(drill):
    folder = drill[2]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in folder.iterdir()} == {0o600}


def test_an_encrypted_backup_needs_its_key_and_old_backups_are_pruned(
        drill, module_warehouse, tmp_path, monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(KEY_ENV, key)
    out = tmp_path / "sealed"
    for _ in range(2):
        ecif("backup", "--out", str(out), "--warehouse", module_warehouse.url, "--keep", "1")
    (kept,) = backups(out)
    manifest = json.loads((kept / MANIFEST).read_text())
    assert manifest["encrypted"] and manifest["file"].endswith(".enc")
    sealed = list(tokens((kept / manifest["file"]).read_bytes()))
    # Every chunk is a Fernet token, url-safe base64 text, so no plaintext byte is left
    # (a check for a word like "marts" would fail by chance in a large base64 file);
    # the key opens them back into the warehouse.
    assert all(set(token) <= BASE64URL for token in sealed)
    assert b"marts" in b"".join(Fernet(key.encode()).decrypt(token) for token in sealed)

    def restore_into(target: Warehouse) -> None:
        monkeypatch.setenv(KEY_ENV, Fernet.generate_key().decode())
        wrong = runner.invoke(app, ["restore", "--from", str(out), "--warehouse", target.url])
        assert wrong.exit_code == 1 and KEY_ENV in wrong.output
        monkeypatch.setenv(KEY_ENV, key)
        ecif("restore", "--from", str(out), "--warehouse", target.url)  # empty: no --force
        assert marts(target) == marts(module_warehouse)

    if module_warehouse.kind == "duckdb":
        (tmp_path / "other").mkdir()
        restore_into(Warehouse(f"duckdb:///{tmp_path / 'other' / 'warehouse.duckdb'}"))
    else:
        with temporary_pg_database() as target:
            restore_into(target)


def test_backup_and_restore_are_in_the_operations_log(drill, module_warehouse):
    lines = [json.loads(line) for line in
             ops_log.log_file(module_warehouse).read_text(encoding="utf-8").splitlines()]
    commands = [(line["level"], line["step"]) for line in lines
                if line["step"] in ("command backup", "command restore")]
    assert commands[:3] == [("INFO", "command backup"), ("ERROR", "command restore"),
                            ("INFO", "command restore")]
