"""The runtime settings: defaults, ECIF_* variables over them, command options over both."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecif import settings
from ecif.cli import app
from ecif.settings import Settings, SettingsError
from ecif.warehouse import Warehouse


def test_without_variables_every_setting_has_its_documented_default(monkeypatch):
    monkeypatch.setenv("HOME", "/home/li")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    given = Settings.from_env({})
    assert given == Settings(token_file=Path("/home/li/.config/ecif/tokens.json"))
    assert (given.warehouse, given.extracts_dir, given.exports_dir, given.backups_dir) == (
        Warehouse("duckdb:///ecif.duckdb"), Path("source_extracts"), Path("exports"),
        Path("backups"))
    assert (given.duckdb_memory_limit, given.raw_retention_days, given.lock_wait_seconds,
            given.login_max_failures, given.login_lock_minutes, given.smtp_port,
            given.smtp_from) == ("50%", 90, 300.0, 5, 15, 25, "ecif@localhost")
    assert (given.reports_dir, given.archive_dir, given.log_dir, given.backup_keep,
            given.backup_key, given.service_secret, given.alert_webhook, given.smtp_to) == (
        None, None, None, None, None, None, None, ())
    # relative defaults in another folder (the DAG's: the repository)
    rooted = Settings.from_env({}, root=Path("/srv/ecif"))
    assert (rooted.warehouse_url, rooted.extracts_dir, rooted.backups_dir) == (
        "duckdb:////srv/ecif/ecif.duckdb", Path("/srv/ecif/source_extracts"),
        Path("/srv/ecif/backups"))


def test_each_variable_sets_its_setting_and_an_empty_one_is_unset():
    env = {"ECIF_WAREHOUSE": "postgresql://etl@db:5433/ecif", "ECIF_DUCKDB_MEMORY_LIMIT": "8GB",
           "ECIF_DUCKDB_TEMP_DIR": "/scratch", "ECIF_REPORTS": "/srv/reports",
           "ECIF_BACKUP_KEEP": "3", "ECIF_BACKUP_KEY": "k", "ECIF_ARCHIVE": "/srv/archive",
           "ECIF_RAW_RETENTION_DAYS": "30", "ECIF_LOG_DIR": "/var/log/ecif",
           "ECIF_RUN_ID": "night-1", "ECIF_LOCK_WAIT": "2.5", "ECIF_LOGIN_MAX_FAILURES": "3",
           "ECIF_LOGIN_LOCK_MINUTES": "60", "ECIF_SERVICE_SECRET": "s",
           "ECIF_SERVICE_READER_URL": "postgresql://ecif_reader:pw@db/ecif",
           "ECIF_SERVICE_MAX_BODY_BYTES": "10", "ECIF_SERVICE_REQUESTS_PER_MINUTE": "7",
           "ECIF_SERVICE_REQUEST_BURST": "2", "ECIF_SERVICE_SECURE_COOKIE": "1",
           "ECIF_TOKEN_FILE": "/tmp/t.json", "ECIF_USER": "li", "ECIF_PASSWORD": "pw",
           "ECIF_ALERT_WEBHOOK": "https://hook", "ECIF_SMTP_HOST": "mail",
           "ECIF_SMTP_PORT": "2525", "ECIF_SMTP_FROM": "ecif@corp",
           "ECIF_SMTP_TO": "ops@corp, oncall@corp", "ECIF_EXPORTS": ""}
    given = Settings.from_env(env)
    assert given == Settings(
        warehouse_url="postgresql://etl@db:5433/ecif", duckdb_memory_limit="8GB",
        duckdb_temp_dir="/scratch", reports_dir=Path("/srv/reports"), backup_keep=3,
        backup_key="k", archive_dir=Path("/srv/archive"), raw_retention_days=30,
        log_dir=Path("/var/log/ecif"), run_id="night-1", lock_wait_seconds=2.5,
        login_max_failures=3, login_lock_minutes=60, service_secret="s",
        service_reader_url="postgresql://ecif_reader:pw@db/ecif", service_max_body_bytes=10,
        service_requests_per_minute=7, service_request_burst=2, service_secure_cookie=True,
        token_file=Path("/tmp/t.json"), user="li", password="pw",
        alert_webhook="https://hook", smtp_host="mail", smtp_port=2525,
        smtp_from="ecif@corp", smtp_to=("ops@corp", "oncall@corp"))
    assert given.exports_dir == Path("exports")


@pytest.mark.parametrize(("name", "value"), [("ECIF_RAW_RETENTION_DAYS", "0"),
                                             ("ECIF_SMTP_PORT", "smtp"),
                                             ("ECIF_LOCK_WAIT", "soon")])
def test_a_value_that_cannot_be_used_is_refused_naming_the_variable(name, value):
    with pytest.raises(SettingsError, match=f"^{name}='{value}': expected"):
        Settings.from_env({name: value})


def test_the_settings_are_read_when_asked_for_not_when_imported(monkeypatch):
    monkeypatch.setenv("ECIF_LOCK_WAIT", "7")
    assert settings.current().lock_wait_seconds == 7.0
    monkeypatch.setenv("ECIF_LOCK_WAIT", "9")
    assert settings.current().lock_wait_seconds == 9.0


def test_given_options_override_the_settings_and_missing_ones_do_not():
    base = Settings.from_env({"ECIF_WAREHOUSE": "duckdb:///a.duckdb", "ECIF_BACKUP_KEEP": "3"})
    assert base.overridden(warehouse_url="duckdb:///b.duckdb", backup_keep=None) == Settings(
        warehouse_url="duckdb:///b.duckdb", backup_keep=3, token_file=base.token_file)


def test_a_commands_warehouse_option_overrides_ecif_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("ECIF_WAREHOUSE", f"duckdb:///{tmp_path / 'from_env.duckdb'}")
    monkeypatch.delenv("ECIF_LOG_DIR", raising=False)
    runner = CliRunner()
    from_env = runner.invoke(app, ["logs", "--run", "none"])
    assert from_env.exit_code == 1 and "from_env.log" in from_env.output
    chosen = runner.invoke(app, ["logs", "--run", "none", "--warehouse",
                                 f"duckdb:///{tmp_path / 'chosen.duckdb'}"])
    assert chosen.exit_code == 1 and "chosen.log" in chosen.output
