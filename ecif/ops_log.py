"""Structured operations log: one JSON object per line, from every command, the service
and the DAG's tasks, into a rotating file beside the warehouse.

Each line carries time, level, run id, step, duration (seconds, when the line closes a
step) and the message. The run id is ECIF_RUN_ID when set (the DAG sets the Airflow run
id, so a night's tasks share one) or one drawn per process. `ecif logs --run R` prints
one run's lines.

The file: ECIF_LOG_DIR when set; otherwise beside a DuckDB warehouse (`ecif.duckdb` →
`ecif.log`) and `./logs/ecif-<database>.log` for PostgreSQL. It rotates at 10 MB and
keeps 5 old files.

Personal data: messages should carry none, but an ID number or a mobile that slips into
one is masked with the standard masks before the line is written.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from ecif import settings
from ecif.masking import mask_id, mask_mobile
from ecif.warehouse import Warehouse

LOGGER = "ecif.ops"
MAX_BYTES, BACKUPS = 10 * 1024 * 1024, 5

_run_id: ContextVar[str | None] = ContextVar("ecif_run_id", default=None)
_step: ContextVar[str | None] = ContextVar("ecif_step", default=None)

# 18-character resident IDs (last may be X) and 15-digit old ones; mainland mobiles
_ID_NO = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def masked(text: str) -> str:
    text = _ID_NO.sub(lambda m: mask_id(m.group()) or "", text)
    return _MOBILE.sub(lambda m: mask_mobile(m.group()) or "", text)


def log_file(warehouse: Warehouse) -> Path:
    folder = settings.current().log_dir
    if folder:
        name = (warehouse.duckdb_path.stem if warehouse.kind == "duckdb"
                else f"ecif-{warehouse.pg_params['dbname']}")
        return folder / f"{name}.log"
    if warehouse.kind == "duckdb":
        return warehouse.duckdb_path.with_suffix(".log")
    return Path.cwd() / "logs" / f"ecif-{warehouse.pg_params['dbname']}.log"


def _new_run_id() -> str:
    return settings.current().run_id or (
        datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6])


def run_id() -> str:
    current = _run_id.get()
    if current is None:
        current = _new_run_id()
        _run_id.set(current)
    return current


@contextmanager
def new_run() -> Iterator[str]:
    """A run of its own for what happens inside (one command, even several in one
    process as in the tests)."""
    token = _run_id.set(_new_run_id())
    try:
        yield run_id()
    finally:
        _run_id.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "run_id": getattr(record, "run_id", None) or run_id(),
            "step": getattr(record, "step", None) or _step.get(),
            "duration": getattr(record, "duration", None),
            "message": masked(record.getMessage()),
        }
        for key, value in getattr(record, "fields", {}).items():
            line[key] = masked(value) if isinstance(value, str) else value
        if record.exc_info:
            line["error"] = masked(self.formatException(record.exc_info).splitlines()[-1])
        return json.dumps(line, ensure_ascii=False, default=str)


def logger() -> logging.Logger:
    return logging.getLogger(LOGGER)


def configure(warehouse: Warehouse) -> Path:
    """Send the operations log to the warehouse's log file (once per file and process)."""
    path = log_file(warehouse)
    log = logger()
    log.setLevel(logging.INFO)
    log.propagate = False   # the JSON file only: the console keeps its one clear line
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path.resolve()
               for h in log.handlers):
        for old in [h for h in log.handlers if isinstance(h, RotatingFileHandler)]:
            log.removeHandler(old)
            old.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                      encoding="utf-8")
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
    return path


def event(message: str, level: int = logging.INFO, **fields: Any) -> None:
    logger().log(level, message, extra={"fields": fields})


@contextmanager
def step(name: str, **fields: Any) -> Iterator[None]:
    """Log the step's end with its duration (level ERROR and the error when it fails)."""
    token = _step.set(name)
    start = time.perf_counter()
    try:
        yield
    except BaseException as exc:
        duration = round(time.perf_counter() - start, 3)
        code = getattr(exc, "exit_code", None)     # a command's chosen exit (`ecif run`: 3)
        if code is not None:
            logger().log(logging.INFO if code == 0 else logging.WARNING, f"exit code {code}",
                         extra={"duration": duration, "fields": fields})
        else:
            logger().error("failed", exc_info=exc, extra={"duration": duration,
                                                          "fields": fields})
        raise
    else:
        logger().info("done", extra={"duration": round(time.perf_counter() - start, 3),
                                     "fields": fields})
    finally:
        _step.reset(token)


def lines_of_run(path: Path, wanted: str) -> Iterator[str]:
    """The run's lines from the file and its rotated predecessors, oldest first."""
    files = [path.with_name(f"{path.name}.{n}") for n in range(BACKUPS, 0, -1)] + [path]
    for file in files:
        if not file.exists():
            continue
        with file.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    if json.loads(line).get("run_id") == wanted:
                        yield line.rstrip("\n")
                except ValueError:
                    continue    # a line cut by a crash mid-write
