"""Everything checked before a byte is written (spec §2, §3).

`verify_control` compares the `.ok` with the path and the contract;
`verify_content` compares it with the data (bytes, md5, row count);
`verify_rows` checks the parsed rows: `op` in {I, U, D}, only `I` in a FULL
file, the key never empty. Each raises `FileRefused` naming row and field.
"""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.compute as pc

from ecif.extract_spec import EntitySpec
from ecif.landing.control_file import ControlFile
from ecif.landing.refusal import FileRefused

OPS = ("I", "U", "D")
EXTRACT_TYPES = ("FULL", "DELTA")


def verify_control(ok: ControlFile, spec: EntitySpec, business_date: str, file_name: str) -> None:
    expected = {"system": spec.system, "entity": spec.entity,
                "business_date": business_date, "file": file_name}
    for key, want in expected.items():
        got = getattr(ok, key)
        if got != want:
            raise FileRefused(f"control file says {key} {got!r}, the path says {want!r}",
                              field=key)
    if ok.extract_type not in EXTRACT_TYPES:
        raise FileRefused(f"control file extract_type {ok.extract_type!r} is not FULL or DELTA",
                          field="extract_type")
    if ok.encoding != spec.fmt.encoding:
        raise FileRefused(f"control file declares encoding {ok.encoding!r}; {spec.system} files "
                          f"must be {spec.fmt.encoding}", field="encoding")


def verify_content(ok: ControlFile, data: bytes) -> str:
    """Size and md5 against the control file; returns the md5."""
    if len(data) != ok.bytes:
        raise FileRefused(f"size is {len(data)} bytes, control file says {ok.bytes}",
                          field="bytes")
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if md5 != str(ok.md5).lower():
        raise FileRefused(f"md5 is {md5}, control file says {ok.md5}", field="md5")
    return md5


def verify_rows(table: pa.Table, ok: ControlFile, spec: EntitySpec) -> None:
    if table.num_rows != ok.rows:
        raise FileRefused(f"file has {table.num_rows} data rows, control file says {ok.rows}",
                          field="rows")
    op = table["op"]
    bad = _first(pc.invert(pc.fill_null(pc.is_in(op, value_set=pa.array(OPS)), False)))
    if bad is not None:
        value = op[bad].as_py()
        shown = "empty" if value is None else repr(value[:3])
        raise FileRefused(f"unknown op {shown} (expected I, U or D)", row=bad + 1, field="op")
    if ok.extract_type == "FULL":
        bad = _first(pc.not_equal(op, "I"))
        if bad is not None:
            raise FileRefused(f"op {op[bad].as_py()!r} in a FULL file (only I allowed)",
                              row=bad + 1, field="op")
    bad = _first(pc.is_null(table[spec.key]))
    if bad is not None:
        raise FileRefused("empty key", row=bad + 1, field=spec.key)


def _first(mask: pa.ChunkedArray | pa.Array) -> int | None:
    """Index of the first true value, or None."""
    index = pc.index(mask, True).as_py()
    return None if index is None or index < 0 else index
