"""Identifier check characters (written from the spec's §6 text) and each system's
document-type codes (spec §5), keyed by the standard id type."""

from __future__ import annotations

RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

CORE = {"RID": "01", "PASSPORT": "02", "MIL": "03", "HKMO": "04", "TW": "05", "HHR": "06",
        "FPR": "07", "OTHER": "99", "USCC": "10", "ORG": "11", "BRN": "12"}
# uw has no code for 户口簿 or 营业执照: sources file them under OTHER.
UW = {"RID": "I", "PASSPORT": "P", "HKMO": "H", "TW": "T", "MIL": "M", "FPR": "F",
      "USCC": "U", "ORG": "C", "HHR": "O", "BRN": "O", "OTHER": "O"}
CLAIMS = {"RID": "身份证", "PASSPORT": "护照", "HKMO": "港澳通行证", "TW": "台胞证",
          "MIL": "军官证", "HHR": "户口簿", "FPR": "外国人永久居留证", "USCC": "统一社会信用代码",
          "ORG": "组织机构代码", "BRN": "其他", "OTHER": "其他"}
FINANCE = CORE
BY_SYSTEM = {"core": CORE, "uw": UW, "claims": CLAIMS, "finance": FINANCE}


def rid_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, RID_WEIGHTS, strict=True)) % 11]


def org_code_check(first8: str) -> str:
    value = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - value % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc_check(first17: str) -> str:
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - s % 31) % 31]
