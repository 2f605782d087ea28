"""The `.ok` control file (spec §2): written last by a source, verified before loading."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEYS = (
    "system", "entity", "business_date", "extract_type", "file",
    "encoding", "rows", "bytes", "md5", "generated_at",
)


class ControlFileError(ValueError):
    """A control file that is not a valid JSON object with every required key."""


@dataclass(frozen=True)
class ControlFile:
    system: str
    entity: str
    business_date: str
    extract_type: str
    file: str
    encoding: str
    rows: int
    bytes: int
    md5: str
    generated_at: str

    @classmethod
    def describe(
        cls, data_path: Path, *, system: str, entity: str, business_date: str,
        extract_type: str, encoding: str, rows: int, generated_at: datetime | None = None,
    ) -> ControlFile:
        """The control file a source writes for `data_path` (size and md5 read from disk)."""
        md5, size = file_digest(data_path)
        stamp = generated_at or datetime.now(SHANGHAI)
        return cls(system, entity, business_date, extract_type, data_path.name, encoding,
                   rows, size, md5, stamp.isoformat(timespec="seconds"))

    def write(self, ok_path: Path) -> None:
        ok_path.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")


def read_control_file(ok_path: Path) -> ControlFile:
    try:
        data = json.loads(ok_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ControlFileError(f"{ok_path}: not a UTF-8 JSON object ({exc})") from exc
    if not isinstance(data, dict):
        raise ControlFileError(f"{ok_path}: not a JSON object")
    missing = [k for k in KEYS if k not in data]
    if missing:
        raise ControlFileError(f"{ok_path}: missing key(s) {', '.join(missing)}")
    try:
        return ControlFile(**{k: data[k] for k in KEYS} | {
            "rows": int(data["rows"]), "bytes": int(data["bytes"])})
    except (TypeError, ValueError) as exc:
        raise ControlFileError(f"{ok_path}: rows and bytes must be integers") from exc


def file_digest(path: Path, chunk: int = 1 << 22) -> tuple[str, int]:
    """(hex md5, size in bytes), reading the file once in large chunks."""
    digest = hashlib.md5(usedforsecurity=False)
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
