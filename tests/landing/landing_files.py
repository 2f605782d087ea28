"""Write small extract files (and their .ok) for the landing tests, per the contract."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

from ecif.extract_spec import BY_NAME, FORMATS
from ecif.landing.control_file import ControlFile

Row = dict[str, Any]


def render(system: str, entity: str, rows: list[Row], *, header: list[str] | None = None,
           bom: bool = False) -> bytes:
    """The file bytes a conforming source writes (header from the spec unless given)."""
    spec = BY_NAME[(system, entity)]
    fmt = FORMATS[system]
    cols = header or list(spec.columns)
    if fmt.file_format == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    elif fmt.file_format == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow([r.get(c, "") for c in cols])
        text = buf.getvalue()
    else:
        sep = "|" if fmt.file_format == "pipe" else "\t"
        lines = [sep.join(cols)] + [sep.join(str(r.get(c, "")) for c in cols) for r in rows]
        text = "".join(line + fmt.line_end for line in lines)
    data = text.encode("gbk" if fmt.encoding == "GBK" else "utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def deliver(root: Path, system: str, entity: str, day: str, rows: list[Row] | None = None, *,
            data: bytes | None = None, extract_type: str = "DELTA", with_ok: bool = True,
            n_rows: int | None = None, **ok_overrides: Any) -> Path:
    """Write `<root>/<system>/<day>/<entity>.<ext>` and (unless with_ok=False) its .ok.

    `data` replaces the rendered bytes; `ok_overrides` change fields of the .ok
    after it was computed from the file (to simulate a lying control file).
    """
    spec = BY_NAME[(system, entity)]
    folder = root / system / day
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spec.file_name
    path.write_bytes(data if data is not None else render(system, entity, rows or []))
    if with_ok:
        ok = ControlFile.describe(
            path, system=system, entity=entity, business_date=day, extract_type=extract_type,
            encoding=FORMATS[system].encoding,
            rows=n_rows if n_rows is not None else len(rows or []))
        dataclasses.replace(ok, **ok_overrides).write(folder / f"{entity}.ok")
    return path


def customer(cust_no: str, op: str = "I", **values: Any) -> Row:
    return {"cust_no": cust_no, "cust_type": "1", "name": "张三", "op": op, **values}
