"""Runtime settings: every ECIF_* environment variable the code reads, in one typed object.

`current()` builds them from the process's environment when it is called (nothing is
read at import time); a command's options replace what they name (`overridden`). The
Airflow DAG reads the same object inside its tasks, never when its file is parsed.
Business parameters are not settings: they are seeds (ecif.reference).

| variable | meaning | default |
|---|---|---|
| ECIF_WAREHOUSE | `duckdb:///<file>`, `postgresql://user@host/db` | `duckdb:///ecif.duckdb` |
| ECIF_DUCKDB_MEMORY_LIMIT | DuckDB's memory (`8GB`, or a share of the RAM) | `50%` |
| ECIF_DUCKDB_TEMP_DIR | where DuckDB spills beyond its memory | `<warehouse file>.tmp` |
| ECIF_EXTRACTS | the landing zone the DAG reads (`ecif run --extracts`) | `source_extracts/` |
| ECIF_EXPORTS | the DAG's marketing lists, a folder per date | `exports/` |
| ECIF_REPORTS | reports, in `<it>/<warehouse name>/` (report_folders) | beside the DuckDB file |
| ECIF_BACKUPS | where the weekly backup DAG writes | `backups/` |
| ECIF_BACKUP_KEEP | backups kept (`ecif backup --keep`) | all; weekly DAG: 8 |
| ECIF_BACKUP_KEY | Fernet key of encrypted backups | none: not encrypted |
| ECIF_ARCHIVE | Parquet archive of raw rows past retention | beside the warehouse |
| ECIF_RAW_RETENTION_DAYS | raw rows older than this may be archived | 90 |
| ECIF_LOG_DIR | folder of the operations log (ecif.ops_log) | beside the warehouse |
| ECIF_RUN_ID | run id of the log's lines (the DAG: Airflow's) | drawn per run |
| ECIF_LOCK_WAIT | seconds a second writer waits for the lock | 300 |
| ECIF_RUN_NICE | how much nicer a run's CPU priority is than the service's (0-19) | 10 |
| ECIF_LOGIN_MAX_FAILURES | wrong passwords in a row that lock an account | 5 |
| ECIF_LOGIN_LOCK_MINUTES | how long a locked account stays locked | 15 |
| ECIF_SERVICE_SECRET | what the service signs its tokens with | random per process |
| ECIF_SERVICE_READER_URL | PostgreSQL: the service's reader login | warehouse as `ecif_reader` |
| ECIF_SERVICE_MAX_BODY_BYTES | larger request bodies are refused | 1048576 |
| ECIF_SERVICE_REQUESTS_PER_MINUTE | steward requests per user, sustained | 30 |
| ECIF_SERVICE_REQUEST_BURST | steward requests per user at once | 10 |
| ECIF_SERVICE_SECURE_COOKIE | `1`: the pages' cookie is always Secure | Secure over https |
| ECIF_TOKEN_FILE | the CLI's session tokens (`ecif login`) | see below |
| ECIF_USER | who `ecif login` logs in | asked |
| ECIF_PASSWORD | password of `ecif login` and user commands | asked |
| ECIF_ALERT_WEBHOOK | URL that receives critical exceptions (JSON) | none |
| ECIF_SMTP_HOST, ECIF_SMTP_PORT | SMTP server of the e-mail alerts | none, 25 |
| ECIF_SMTP_FROM, ECIF_SMTP_TO | sender; recipients, comma-separated | `ecif@localhost`, none |

The token file's default is `$XDG_CONFIG_HOME/ecif/tokens.json` (`~/.config/...`).
Relative default folders are in the working directory, or in `root` when one is given
(the DAG's tasks: the repository). dbt's own names (ECIF_DBT_TARGET, ECIF_PG_*, the
profile's variables) are not read here: ecif passes them to dbt (ecif.dbt_runner).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ecif.warehouse import Warehouse

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting whose value cannot be used: names the variable and what it expects."""


@dataclass(frozen=True)
class Settings:
    warehouse_url: str = "duckdb:///ecif.duckdb"
    duckdb_memory_limit: str = "50%"
    duckdb_temp_dir: str | None = None
    extracts_dir: Path = Path("source_extracts")
    exports_dir: Path = Path("exports")
    reports_dir: Path | None = None
    backups_dir: Path = Path("backups")
    backup_keep: int | None = None
    backup_key: str | None = None
    archive_dir: Path | None = None
    raw_retention_days: int = 90
    log_dir: Path | None = None
    run_id: str | None = None
    lock_wait_seconds: float = 300.0
    run_nice: int = 10
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    service_secret: str | None = None
    service_reader_url: str | None = None
    service_max_body_bytes: int = 1_048_576
    service_requests_per_minute: int = 30
    service_request_burst: int = 10
    service_secure_cookie: bool = False
    token_file: Path = field(default_factory=lambda: Path.home() / ".config" / "ecif"
                             / "tokens.json")
    user: str | None = None
    password: str | None = None
    alert_webhook: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "ecif@localhost"
    smtp_to: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, root: Path | None = None) -> Settings:
        """The settings `env` gives; an unset or empty variable takes the default."""
        def text(name: str) -> str | None:
            return env.get(f"ECIF_{name}") or None

        def parsed(name: str, parse: Callable[[str], T], expected: str) -> T | None:
            value = text(name)
            if value is None:
                return None
            try:
                return parse(value)
            except ValueError:
                raise SettingsError(f"ECIF_{name}={value!r}: expected {expected}") from None

        def whole(name: str, least: int = 0) -> int | None:
            def parse(value: str) -> int:
                if not value.isdigit() or int(value) < least:
                    raise ValueError(value)
                return int(value)
            return parsed(name, parse, f"a whole number, at least {least}")

        def folder(name: str) -> Path | None:
            return parsed(name, Path, "a folder")

        base = root or Path()
        config_home = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        given: dict[str, Any] = {
            "warehouse_url": text("WAREHOUSE")
            or (f"duckdb:///{base / 'ecif.duckdb'}" if root else None),
            "duckdb_memory_limit": text("DUCKDB_MEMORY_LIMIT"),
            "duckdb_temp_dir": text("DUCKDB_TEMP_DIR"),
            "extracts_dir": folder("EXTRACTS") or base / cls.extracts_dir,
            "exports_dir": folder("EXPORTS") or base / cls.exports_dir,
            "reports_dir": folder("REPORTS"),
            "backups_dir": folder("BACKUPS") or base / cls.backups_dir,
            "backup_keep": whole("BACKUP_KEEP", least=1),
            "backup_key": text("BACKUP_KEY"),
            "archive_dir": folder("ARCHIVE"),
            "raw_retention_days": whole("RAW_RETENTION_DAYS", least=1),
            "log_dir": folder("LOG_DIR"),
            "run_id": text("RUN_ID"),
            "lock_wait_seconds": parsed("LOCK_WAIT", float, "a number of seconds"),
            "run_nice": whole("RUN_NICE"),
            "login_max_failures": whole("LOGIN_MAX_FAILURES", least=1),
            "login_lock_minutes": whole("LOGIN_LOCK_MINUTES"),
            "service_secret": text("SERVICE_SECRET"),
            "service_reader_url": text("SERVICE_READER_URL"),
            "service_max_body_bytes": whole("SERVICE_MAX_BODY_BYTES", least=1),
            "service_requests_per_minute": whole("SERVICE_REQUESTS_PER_MINUTE", least=1),
            "service_request_burst": whole("SERVICE_REQUEST_BURST", least=1),
            "service_secure_cookie": text("SERVICE_SECURE_COOKIE") == "1",
            "token_file": folder("TOKEN_FILE") or config_home / "ecif" / "tokens.json",
            "user": text("USER"),
            "password": text("PASSWORD"),
            "alert_webhook": text("ALERT_WEBHOOK"),
            "smtp_host": text("SMTP_HOST"),
            "smtp_port": whole("SMTP_PORT", least=1),
            "smtp_from": text("SMTP_FROM"),
            "smtp_to": tuple(to.strip() for to in (text("SMTP_TO") or "").split(",")
                             if to.strip()),
        }
        return cls().overridden(**given)

    def overridden(self, **options: Any) -> Settings:
        """These settings with the options that were given (None: not given), e.g. a
        command's `--warehouse`."""
        return replace(self, **{name: value for name, value in options.items()
                                if value is not None})

    @property
    def warehouse(self) -> Warehouse:
        # imported here: ecif.warehouse reads DuckDB's settings from this module
        from ecif.warehouse import resolve

        return resolve(self.warehouse_url)


def current(root: Path | None = None) -> Settings:
    """The settings of this process's environment as it is now."""
    return Settings.from_env(os.environ, root)
