"""Why a delivered file is refused: one exception carrying a one-line reason.

A refusal names the row (1-based data row, header excluded; 0 for the header or
the whole file) and the field where that applies, never a field's value except
for `op` (a one-letter code). The loader adds the file's relative path in front.
"""

from __future__ import annotations


class FileRefused(Exception):
    """The file breaks the contract: it is not loaded at all."""

    def __init__(self, reason: str, row: int | None = None, field: str | None = None) -> None:
        self.reason = reason
        self.row = row
        self.field = field
        self.md5: str | None = None  # of the data file, once read
        super().__init__(self.describe())

    def describe(self, file: str | None = None) -> str:
        """`<file>: row <n>, field <f>: <reason>` with the parts that apply."""
        parts = [file] if file else []
        where = []
        if self.row:
            where.append(f"row {self.row}")
        elif self.row == 0:
            where.append("header")
        if self.field:
            where.append(f"field {self.field}")
        if where:
            parts.append(", ".join(where))
        parts.append(self.reason)
        return ": ".join(parts)
