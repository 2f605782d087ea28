"""Serialize row tables byte-exactly per spec §5 and write data files + `.ok` last.

Lines are built column-wise (object-array concatenation), never row by row in Python,
except for the rare values that need quoting or JSON escaping.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ecif.extract_spec import ENTITIES, EntitySpec
from ecif.landing.control_file import SHANGHAI, ControlFile

JSON_INT = frozenset({"birth_year"})
JSON_BOOL = frozenset({"consent_marketing", "do_not_call"})
BOM = b"\xef\xbb\xbf"
_NEEDS_JSON_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def _joined(values: np.ndarray) -> str:
    return "".join(values.tolist())


def _strip(values: np.ndarray, chars: str) -> np.ndarray:
    """Remove delimiter and line-break characters (sources strip them, spec §5.1/5.5)."""
    if not any(c in _joined(values) for c in chars):
        return values
    table = str.maketrans("", "", chars)
    return np.array([v.translate(table) for v in values], dtype=object)


def _csv_quote(values: np.ndarray) -> np.ndarray:
    """RFC 4180: quote a value holding a comma, quote or line break; double inner quotes."""
    if not any(c in _joined(values) for c in ',"\r\n'):
        return values
    need = np.array([any(c in v for c in ',"\r\n') for v in values], dtype=bool)
    out = values.copy()
    out[need] = np.array(['"' + v.replace('"', '""') + '"' for v in values[need]], dtype=object)
    return out


def _join_columns(cols: list[np.ndarray], sep: str) -> list[str]:
    # One str.join per row: chained `a + sep + b` over object arrays builds every
    # intermediate prefix, quadratic in the number of columns.
    return [sep.join(row) for row in zip(*(c.tolist() for c in cols), strict=True)]


def header_bytes(spec: EntitySpec) -> bytes:
    fmt = spec.fmt
    if fmt.file_format == "jsonl":
        return b""
    sep = {"pipe": "|", "csv": ",", "tsv": "\t"}[fmt.file_format]
    return (sep.join(spec.columns) + fmt.line_end).encode(fmt.encoding.lower())


def encode_rows(spec: EntitySpec, table: dict[str, np.ndarray], omit: np.ndarray | None = None
                ) -> bytes:
    """Data lines for the rows of `table` (spec columns as str, '' = null).

    For JSON Lines, `omit` (rows × columns bool) says which null keys are left out
    rather than written as null.
    """
    fmt = spec.fmt
    n = len(table[spec.key])
    if n == 0:
        return b""
    eol = fmt.line_end
    if fmt.file_format == "pipe":
        line = _join_columns([_strip(table[c], "|\r\n") for c in spec.columns], "|")
    elif fmt.file_format == "tsv":
        line = _join_columns([_strip(table[c], "\t\r\n") for c in spec.columns], "\t")
    elif fmt.file_format == "csv":
        line = _join_columns([_csv_quote(table[c]) for c in spec.columns], ",")
    else:
        line = _json_lines(spec, table, omit)
    text = eol.join(line) + eol
    return text.encode("gbk" if fmt.encoding == "GBK" else "utf-8")


def _json_values(col: str, values: np.ndarray) -> np.ndarray:
    if col in JSON_INT or col in JSON_BOOL:
        out = values.copy()
    elif _NEEDS_JSON_ESCAPE.search(_joined(values)):
        out = np.array([json.dumps(v, ensure_ascii=False) for v in values], dtype=object)
    else:
        out = '"' + values + '"'
    out[values == ""] = "null"
    return out


def _json_lines(spec: EntitySpec, table: dict[str, np.ndarray],
                omit: np.ndarray | None) -> list[str]:
    parts = []
    for j, col in enumerate(spec.columns):
        vals = _json_values(col, table[col])
        seg = ("," if j else "") + f'"{col}":' + vals
        if omit is not None and col not in (spec.key, "op"):
            drop = omit[:, j] & (table[col] == "")
            seg[drop] = ""
        parts.append(seg)
    return ["{" + line + "}" for line in _join_columns(parts, "")]


def generated_at(business_date: date) -> datetime:
    """Deterministic stamp: the night after the business date, 01:30 Asia/Shanghai."""
    return datetime.combine(business_date + timedelta(days=1), time(1, 30), tzinfo=SHANGHAI)


class ExtractWriter:
    """One open data file per (entity, day); header first, `.ok` after the data is closed."""

    def __init__(self, out_dir: Path, dates: list[date], bom: dict[tuple[str, int], bool]):
        self.out_dir = out_dir
        self.dates = dates
        self.handles: dict[tuple[str, str, int], BinaryIO] = {}
        self.rows: dict[tuple[str, str, int], int] = {}
        # md5 and size kept while writing, so closing does not read the files back.
        self.digests: dict[tuple[str, str, int], Any] = {}
        self.sizes: dict[tuple[str, str, int], int] = {}
        for spec in ENTITIES:
            for day, _d in enumerate(dates, start=1):
                path = self.path(spec, day)
                path.parent.mkdir(parents=True, exist_ok=True)
                key = (spec.system, spec.entity, day)
                self.handles[key] = path.open("wb")
                self.digests[key] = hashlib.md5(usedforsecurity=False)
                self.sizes[key] = 0
                self.rows[key] = 0
                self._write(key, (BOM if bom.get((spec.entity, day)) else b"")
                            + header_bytes(spec))

    def path(self, spec: EntitySpec, day: int) -> Path:
        d = self.dates[day - 1].strftime("%Y%m%d")
        return self.out_dir / spec.system / d / spec.file_name

    def _write(self, key: tuple[str, str, int], data: bytes) -> None:
        self.handles[key].write(data)
        self.digests[key].update(data)
        self.sizes[key] += len(data)

    def append(self, spec: EntitySpec, day: int, data: bytes, rows: int) -> None:
        key = (spec.system, spec.entity, day)
        self._write(key, data)
        self.rows[key] += rows

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()
        for spec in ENTITIES:
            for day, d in enumerate(self.dates, start=1):
                path = self.path(spec, day)
                key = (spec.system, spec.entity, day)
                ControlFile(
                    spec.system, spec.entity, d.strftime("%Y%m%d"),
                    "FULL" if day == 1 else "DELTA", path.name, spec.fmt.encoding,
                    self.rows[key], self.sizes[key], self.digests[key].hexdigest(),
                    generated_at(d).isoformat(timespec="seconds"),
                ).write(path.with_suffix(".ok"))
