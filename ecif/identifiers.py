"""Normalizing an identifier typed by a person (a caller's number, an ID read out on the
phone) into the form the warehouse stores, the same rules as the dbt macros
`clean_text` (cleansing.sql), `normalize_mobile` and `normalize_rid` (identifiers.sql)."""

from __future__ import annotations

import re
import unicodedata

_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def clean_text(text: str) -> str | None:
    """Half-width, trimmed, empty → None: the dbt macro `clean_text` (source keys, names)."""
    return unicodedata.normalize("NFKC", text).strip(" ") or None


def normalize_mobile(text: str) -> str:
    """Digits only (full-width digits too), without a +86 / 0086 / 86 prefix."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"^(0086|86)(1\d{10})$", r"\2", digits)


def rid_check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _RID_WEIGHTS, strict=True)) % 11]


def normalize_id_no(text: str) -> str:
    """Upper case without blanks or hyphens; a 15-digit resident ID becomes 18 characters."""
    value = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", text)).upper()
    if re.fullmatch(r"\d{15}", value):
        first17 = value[:6] + "19" + value[6:]
        return first17 + rid_check_char(first17)
    return value
