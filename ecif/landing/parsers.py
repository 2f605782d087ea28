"""Read one data file into a pyarrow Table of strings, strictly by the contract (spec §3, §5).

One reader per format, all returning the entity's columns in spec order, every
column `string`, an empty field as null:

- `pipe` (core): GBK, decoded in Python in large blocks cut at line ends (a GBK
  trail byte is never 0x0A), lines end in CRLF, `|`, no quoting.
- `csv` (uw, claims): UTF-8, RFC 4180 (quotes, embedded commas, quotes, line
  breaks), LF or CRLF.
- `tsv` (finance): UTF-8, tabs, no quoting.
- `jsonl` (telesales): UTF-8, one object per line; strings as-is, numbers and
  booleans as their JSON text (`1985`, `true`), a missing key or null is null,
  an unknown key refuses the file.

A UTF-8 byte-order mark is tolerated on every UTF-8 format. The fast path is
pyarrow's multithreaded parser; when it reports a problem, a slow Python pass
over the same bytes finds the first bad row so the refusal can name it (only
ever on the failure path). Rows are numbered 1-based after the header; for CSV
with embedded line breaks the number is the record ordinal. An empty line is
refused (its key would be empty).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from ecif.extract_spec import EntitySpec
from ecif.landing.refusal import FileRefused

BOM = codecs.BOM_UTF8
DECODE_BLOCK = 16 << 20
READ_BLOCK = 16 << 20
_DELIMITERS = {"pipe": "|", "tsv": "\t", "csv": ","}
_LF_ONLY = re.compile(rb"(?<!\r)\n")
_BLANK_LINE = re.compile(rb"\n\r?\n")


def parse_file(data: bytes, spec: EntitySpec) -> pa.Table:
    """The rows of `data` (the whole file) as a Table with `spec.columns`, all strings."""
    fmt = spec.fmt
    if not data:
        raise FileRefused("empty file (no header line)", row=0)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FileRefused(f"NUL byte at byte offset {nul}", row=data.count(b"\n", 0, nul))
    if fmt.encoding == "GBK":
        utf8 = _gbk_to_utf8(data)
    else:
        utf8 = data[len(BOM):] if data.startswith(BOM) else data
    if not data.endswith(b"\n"):
        raise FileRefused("last line does not end in a line break (truncated file)",
                          row=_last_row(utf8, fmt.file_format))
    if fmt.file_format == "pipe" and data.count(b"\n") != data.count(b"\r\n"):
        lf = _LF_ONLY.search(data)
        if lf:
            raise FileRefused("line ends in LF only; core lines must end in CRLF",
                              row=data.count(b"\n", 0, lf.start()))
    if fmt.file_format == "jsonl":
        table = _read_jsonl(utf8, spec)
    else:
        _check_header(utf8, spec)
        table = _read_delimited(utf8, spec)
    return table


# --- decoding -------------------------------------------------------------------------


def _gbk_to_utf8(data: bytes) -> bytes:
    """Strict GBK decode in blocks cut after a line feed, re-encoded as UTF-8 for Arrow."""
    out: list[bytes] = []
    view = memoryview(data)
    pos, size = 0, len(data)
    while pos < size:
        end = min(pos + DECODE_BLOCK, size)
        if end < size:
            cut = data.rfind(b"\n", pos, end)
            end = cut + 1 if cut >= 0 else size
        try:
            out.append(codecs.decode(view[pos:end], "gbk").encode("utf-8"))
        except UnicodeDecodeError as exc:
            offset = pos + exc.start
            raise FileRefused(f"not valid GBK at byte offset {offset}",
                              row=data.count(b"\n", 0, offset)) from None
        pos = end
    return b"".join(out)


def _utf8_error(data: bytes, header_lines: int) -> FileRefused | None:
    """The first invalid UTF-8 sequence as a refusal, or None if `data` is valid UTF-8."""
    try:
        codecs.decode(data, "utf-8")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1 - header_lines
        return FileRefused(
            f"not valid UTF-8 at byte offset {exc.start} (declared UTF-8; GBK data?)", row=row)
    return None


# --- header and truncation ------------------------------------------------------------


def _split_header(line: str, file_format: str) -> list[str]:
    if file_format == "csv":
        return next(csv.reader([line]), [])
    return line.split(_DELIMITERS[file_format])


def _check_header(utf8: bytes, spec: EntitySpec) -> None:
    first = utf8[: utf8.find(b"\n")]
    try:
        line = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"header is not valid UTF-8 at byte offset {exc.start}",
                          row=0) from None
    header = _split_header(line, spec.fmt.file_format)
    expected = list(spec.columns)
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    if missing:
        raise FileRefused(f"missing column {missing[0]}", row=0, field=missing[0])
    extra = [c for c in header if c not in expected]
    if extra:
        raise FileRefused(f"unexpected column {extra[0]}", row=0, field=extra[0])
    dup = next((c for c in header if header.count(c) > 1), None)
    if dup:
        raise FileRefused(f"duplicate column {dup}", row=0, field=dup)
    raise FileRefused(f"columns out of the contract's order (expected {','.join(expected)})",
                      row=0)


def _last_row(utf8: bytes, file_format: str) -> int:
    """Number of the last (unterminated) data row."""
    if file_format == "csv":
        return max(len(_csv_records(utf8)) - 1, 1)
    lines = utf8.count(b"\n") + 1
    return lines if file_format == "jsonl" else lines - 1


def _csv_records(utf8: bytes) -> list[list[str]]:
    text = utf8.decode("utf-8", errors="replace")
    return list(csv.reader(io.StringIO(text, newline="")))


# --- delimited (pipe, csv, tsv) -------------------------------------------------------


def _read_delimited(utf8: bytes, spec: EntitySpec) -> pa.Table:
    fmt = spec.fmt.file_format
    quoted = fmt == "csv"
    if not quoted and (b"\n\n" in utf8 or b"\n\r\n" in utf8):
        blank = _BLANK_LINE.search(utf8)
        if blank:
            raise FileRefused("empty line", row=utf8.count(b"\n", 0, blank.start()))
    bad_rows: list[Any] = []

    def on_invalid(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    parse = pacsv.ParseOptions(
        delimiter=_DELIMITERS[fmt], quote_char='"' if quoted else False,
        double_quote=quoted, escape_char=False, newlines_in_values=quoted,
        ignore_empty_lines=False, invalid_row_handler=on_invalid)
    convert = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in spec.columns}, include_columns=list(spec.columns),
        strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""],
        check_utf8=True)
    try:
        table = pacsv.read_csv(io.BytesIO(utf8), read_options=pacsv.ReadOptions(
            block_size=READ_BLOCK, use_threads=True), parse_options=parse,
            convert_options=convert)
    except pa.ArrowInvalid:
        raise (_utf8_error(utf8, 1) or _locate_field_count(utf8, spec)
               or FileRefused(f"cannot be parsed as {fmt}")) from None
    if bad_rows:
        raise _locate_field_count(utf8, spec) or FileRefused(
            f"a row has {bad_rows[0].actual_columns} fields, expected "
            f"{bad_rows[0].expected_columns}")
    return table


def _locate_field_count(utf8: bytes, spec: EntitySpec) -> FileRefused | None:
    """The first data row whose field count differs from the header's (slow path)."""
    expected = len(spec.columns)
    if spec.fmt.file_format == "csv":
        records = _csv_records(utf8)
        for number, record in enumerate(records[1:], start=1):
            if len(record) != expected:
                return FileRefused(f"{len(record)} fields, expected {expected}", row=number)
        return None
    delimiter = _DELIMITERS[spec.fmt.file_format].encode()
    for number, line in enumerate(utf8.split(b"\n")[1:-1], start=1):
        got = line.count(delimiter) + 1
        if got != expected:
            return FileRefused(f"{got} fields, expected {expected}", row=number)
    return None


# --- JSON Lines -----------------------------------------------------------------------


def _read_jsonl(utf8: bytes, spec: EntitySpec) -> pa.Table:
    """pyarrow's JSON reader when values are strings, integers, booleans or null.

    Columns pyarrow infers as timestamps are read again declared as strings (the
    text is kept, offsets and all); doubles, nested values, mixed types, unknown
    keys or any parse error go to the exact Python pass.
    """
    if not _is_utf8(utf8):  # pyarrow's JSON reader does not check UTF-8
        return _jsonl_python(utf8, spec)
    lines = utf8.count(b"\n")
    table = _arrow_json(utf8, None)
    if table is None or table.num_rows != lines or not set(table.column_names) <= set(
            spec.columns):
        return _jsonl_python(utf8, spec)
    declared = []
    for name in spec.columns:
        typ = table.schema.field(name).type if name in table.column_names else pa.null()
        if pa.types.is_timestamp(typ) or pa.types.is_null(typ) or pa.types.is_string(typ):
            declared.append(pa.field(name, pa.string()))
        elif pa.types.is_boolean(typ) or pa.types.is_integer(typ):
            declared.append(pa.field(name, typ))
        else:  # doubles, nested values: keep their exact JSON text
            return _jsonl_python(utf8, spec)
    if any(pa.types.is_timestamp(f.type) for f in table.schema):
        table = _arrow_json(utf8, pa.schema(declared))
        if table is None or table.num_rows != lines:
            return _jsonl_python(utf8, spec)
    columns = []
    for name in spec.columns:
        if name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, pa.string()))
            continue
        col = table[name]
        if pa.types.is_null(col.type):
            columns.append(pa.nulls(table.num_rows, pa.string()))
        elif pa.types.is_string(col.type):
            columns.append(pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col))
        else:
            columns.append(col.cast(pa.string()))
    return pa.table(columns, names=list(spec.columns))


def _is_utf8(data: bytes) -> bool:
    """Arrow's UTF-8 validation over the whole buffer (zero-copy, no Python str)."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _arrow_json(utf8: bytes, schema: pa.Schema | None) -> pa.Table | None:
    options = (pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
               if schema is not None else pajson.ParseOptions(unexpected_field_behavior="infer"))
    try:
        return pajson.read_json(io.BytesIO(utf8), read_options=pajson.ReadOptions(
            block_size=READ_BLOCK), parse_options=options)
    except pa.ArrowInvalid:
        return None


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value or None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _jsonl_python(utf8: bytes, spec: EntitySpec) -> pa.Table:
    """Line by line with exact number text; names the first bad row. Slow path."""
    known = set(spec.columns)
    values: dict[str, list[str | None]] = {c: [] for c in spec.columns}
    offset = 0
    for number, raw in enumerate(utf8.split(b"\n")[:-1], start=1):
        start = offset
        offset += len(raw) + 1
        try:
            line = raw.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError as exc:
            raise FileRefused(f"not valid UTF-8 at byte offset {start + exc.start} "
                              "(declared UTF-8; GBK data?)", row=number) from None
        if not line.strip():
            raise FileRefused("empty line", row=number)
        try:
            obj = json.loads(line, parse_int=str, parse_float=str, parse_constant=str)
        except json.JSONDecodeError as exc:
            raise FileRefused(f"not valid JSON ({exc.msg} at column {exc.colno})",
                              row=number) from None
        if not isinstance(obj, dict):
            raise FileRefused("not a JSON object", row=number)
        extra = next((k for k in obj if k not in known), None)
        if extra is not None:
            raise FileRefused(f"unexpected key {extra}", row=number, field=extra)
        for name in spec.columns:
            values[name].append(_json_text(obj.get(name)))
    return pa.table({c: pa.array(values[c], pa.string()) for c in spec.columns})
