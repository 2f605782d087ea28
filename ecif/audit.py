"""Append-only record of every read of unmasked personal data."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from ecif.warehouse import Connection, write_frame


def record_personal_data_access(conn: Connection, role: str, command: str, detail: str,
                                rows: int) -> None:
    write_frame(conn, "audit", "personal_data_access", pd.DataFrame([{
        "accessed_at": datetime.now(UTC).replace(tzinfo=None), "role": role,
        "command": command, "detail": detail, "rows": rows}]), replace=False)
