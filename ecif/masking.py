"""Masking of personal data shown to people, and who may see it unmasked.

The same rule as the dbt macro `mask` (dbt_project/macros/masking.sql): ID numbers
keep their first six and last four characters (110101********1234), mobiles their
first three and last four (138****5678); short values are hidden entirely.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROLES_FILE = Path(__file__).resolve().parent.parent / "reference_data/seeds/role_permission.csv"


class AccessDenied(PermissionError):
    """A role asked for personal data it may not see."""


def mask_id(value: str | None) -> str | None:
    return _mask(value, keep_head=6, keep_tail=4, min_length=10)


def mask_mobile(value: str | None) -> str | None:
    return _mask(value, keep_head=3, keep_tail=4, min_length=8)


def hide(value: str | None) -> str | None:
    """Hidden entirely, one star per character: values with no part worth keeping
    (names, addresses, birth dates) and values too short to keep a part of."""
    return None if value is None else "*" * len(value)


def _mask(value: str | None, keep_head: int, keep_tail: int, min_length: int) -> str | None:
    if value is None or len(value) < min_length:
        return hide(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def roles_seeing_personal_data() -> set[str]:
    with ROLES_FILE.open(encoding="utf-8") as fh:
        return {row["role"] for row in csv.DictReader(fh) if row["sees_personal_data"] == "true"}


def check_unmasked(role: str | None) -> None:
    """Refuse unmasked output unless the role may see personal data."""
    allowed = roles_seeing_personal_data()
    if role not in allowed:
        raise AccessDenied(f"--unmasked needs --role with access to personal data "
                           f"({', '.join(sorted(allowed))}); got {role or 'no role'}")
