"""Identifiers built as whole columns: resident IDs (GB 11643), USCC (GB 32100) with
embedded organization codes (GB 11714), mobiles, bank cards and opaque record keys."""

from __future__ import annotations

import numpy as np

RID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
RID_CHECK = np.array(list(b"10X98765432"), dtype=np.uint8)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28],
                        dtype=np.int64)
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)

_USCC_BYTES = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
_USCC_VALUE[_USCC_BYTES] = np.arange(31)
_ORG_VALUE = np.full(256, -1, dtype=np.int64)
_ORG_VALUE[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10)
_ORG_VALUE[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8)] = np.arange(10, 36)

# Mobile number segments in use (China Mobile, Unicom, Telecom, Broadnet).
MOBILE_PREFIXES = np.array([
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156,
    157, 158, 159, 162, 165, 166, 167, 170, 171, 172, 173, 175, 176, 177, 178, 180, 181, 182,
    183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 195, 196, 197, 198, 199,
], dtype=np.int64)
_MOBILE_P = np.where(np.isin(MOBILE_PREFIXES, [138, 139, 135, 136, 137, 150, 158, 159, 186,
                                               187, 188, 189, 151, 152, 182, 183]), 3.0, 1.0)
_MOBILE_P /= _MOBILE_P.sum()

PLACEHOLDER_IDS = ("111111111111111111", "123456789012345678", "000000000000000000")
PLACEHOLDER_MOBILES = ("13800000000", "11111111111", "13900000000")


def _matrix_to_str(mat: np.ndarray) -> np.ndarray:
    """uint8 ASCII matrix (n, w) → object array of str."""
    n, w = mat.shape
    return np.ascontiguousarray(mat).view(f"S{w}").ravel().astype(f"U{w}").astype(object)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """int64 array → (n, width) matrix of its decimal digits."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def rid_check_chars(first17: np.ndarray) -> np.ndarray:
    """ASCII codes of the GB 11643 check character for int64 17-digit bodies."""
    return RID_CHECK[(_digits(first17, 17) @ RID_WEIGHTS) % 11]


def resident_ids(area: np.ndarray, birth_ymd: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """18-character resident IDs: area code (int), birth YYYYMMDD (int), 3-digit sequence."""
    first17 = area.astype(np.int64) * 10**11 + birth_ymd.astype(np.int64) * 1000 + seq
    mat = np.empty((len(first17), 18), dtype=np.uint8)
    mat[:, :17] = _digits(first17, 17) + 48
    mat[:, 17] = rid_check_chars(first17)
    return _matrix_to_str(mat)


def legacy15(ids18: np.ndarray) -> np.ndarray:
    """The 15-digit form (before 1999): area + YYMMDD + sequence, no check character."""
    return np.array([s[:6] + s[8:17] for s in ids18], dtype=object)


def person_documents(rng: np.random.Generator, rid: np.ndarray, rates: dict[str, float]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(standard id type, number) per person: most keep their resident ID, a share carry
    another document (drawn with `rates`, type → probability)."""
    n = len(rid)
    kinds = ["RID", *rates]
    p = np.array([1 - sum(rates.values()), *rates.values()])
    id_type = np.array(kinds, dtype=object)[rng.choice(len(kinds), size=n, p=p)]
    id_no = rid.copy()
    digits8 = zpad(rng.integers(0, 10**8, n), 8)
    letter = np.where(rng.random(n) < 0.8, "E", "G").astype(object)
    numbers = {
        "PASSPORT": letter + digits8,                                   # E12345678
        "HKMO": np.where(rng.random(n) < 0.7, "H", "M").astype(object) + digits8,
        "TW": digits8,                                                  # 台胞证 8 digits
        "MIL": "军字第" + zpad(rng.integers(0, 10**7, n), 7) + "号",
        # 2017 format: 3-letter nationality + 12 digits.
        "FPR": np.array(["USA", "KOR", "JPN", "CAN", "DEU", "GBR"], dtype=object)[
            rng.integers(0, 6, n)] + zpad(rng.integers(0, 10**12, n), 12),
    }
    for kind, values in numbers.items():
        m = id_type == kind
        id_no[m] = values[m]
    return id_type, id_no


def person_sequence(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """3-digit sequence: odd for men, even for women."""
    base = rng.integers(0, 500, len(male)) * 2
    return base + male.astype(np.int64)


def org_codes(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 9) ASCII matrix of GB 11714 codes whose characters are all in the USCC alphabet."""
    mat = np.empty((n, 9), dtype=np.uint8)
    # Old-style all-digit bodies and new 'MA' + alphanumeric bodies (issued after 2015).
    digit_body = rng.integers(0, 10, (n, 8)) + 48
    ma_body = _USCC_BYTES[rng.integers(0, 31, (n, 8))]
    ma_body[:, 0] = ord("M")
    ma_body[:, 1] = ord("A")
    newer = rng.random(n) < 0.5
    mat[:, :8] = _distinct_bodies(np.where(newer[:, None], ma_body, digit_body))
    s = _ORG_VALUE[mat[:, :8]] @ ORG_WEIGHTS
    c = 11 - s % 11
    mat[:, 8] = np.where(c == 10, ord("X"), np.where(c == 11, ord("0"), c + 48))
    return mat


def _distinct_bodies(bodies: np.ndarray) -> np.ndarray:
    """The code bodies with repeats made distinct: an issued organization code names one
    organization (random draws repeat some in 10^8 all-digit bodies at 100k
    organizations). A repeat's last character steps to the next one of its alphabet
    (digits stay digits); no random draw, so every later column keeps its stream."""
    bodies = bodies.astype(np.uint8)
    while True:
        keys = np.ascontiguousarray(bodies).view("S8").ravel()
        repeat = np.ones(len(keys), dtype=bool)
        repeat[np.unique(keys, return_index=True)[1]] = False
        if not repeat.any():
            return bodies
        last = bodies[repeat, 7]
        digit = last <= ord("9")
        bodies[repeat, 7] = np.where(digit, (last - 48 + 1) % 10 + 48,
                                     _USCC_BYTES[(_USCC_VALUE[last] + 1) % 31])


def usccs(rng: np.random.Generator, area: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(USCC, organization code 'XXXXXXXX-X') for organizations registered in `area`."""
    n = len(area)
    mat = np.empty((n, 18), dtype=np.uint8)
    mat[:, 0] = ord("9")  # registered by market regulation
    mat[:, 1] = np.where(rng.random(n) < 0.93, ord("1"), ord("2"))  # enterprise / individual
    mat[:, 2:8] = _digits(area.astype(np.int64), 6) + 48
    org = org_codes(rng, n)
    mat[:, 8:17] = org
    s = _USCC_VALUE[mat[:, :17]] @ USCC_WEIGHTS
    mat[:, 17] = _USCC_BYTES[(31 - s % 31) % 31]
    dashed = np.empty((n, 10), dtype=np.uint8)
    dashed[:, :8] = org[:, :8]
    dashed[:, 8] = ord("-")
    dashed[:, 9] = org[:, 8]
    return _matrix_to_str(mat), _matrix_to_str(dashed)


def business_reg_numbers(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """15-digit 营业执照注册号 (pre-2015 business registration numbers)."""
    body = area.astype(np.int64) * 10**9 + rng.integers(0, 10**9, len(area))
    return zpad(body, 15)


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = MOBILE_PREFIXES[rng.choice(len(MOBILE_PREFIXES), size=n, p=_MOBILE_P)]
    # Avoid 0000000 tails so that no real mobile equals a placeholder.
    rest = rng.integers(10_000_001, 99_999_999, n)
    return (prefix * 10**8 + rest).astype(str).astype(object)


def bank_accounts(rng: np.random.Generator, n: int) -> np.ndarray:
    """UnionPay debit card numbers (62…, 16 or 19 digits)."""
    body16 = 6_200_000_000_000_000 + rng.integers(0, 10**13, n) * 10 + rng.integers(0, 10, n)
    s = body16.astype(str).astype(object)
    longer = rng.random(n) < 0.6
    extra = zpad(rng.integers(0, 1000, n), 3)
    return np.where(longer, s + extra, s)


# Opaque keys: a bijection of 0..10^9-1 so that keys reveal neither order nor person.
_KEY_MOD = 10**9
_KEY_MUL = 387_420_489  # 3**18, coprime to 10**9


def opaque_keys(prefix: str, ordinal: np.ndarray, salt: int, width: int = 9) -> np.ndarray:
    x = (ordinal.astype(np.int64) + salt) % _KEY_MOD
    y = (x * _KEY_MUL + salt * 7919) % _KEY_MOD
    return prefix + zpad(y, width)


def zpad(values: np.ndarray, width: int) -> np.ndarray:
    """Integers → zero-padded decimal strings (object array); safe for empty input."""
    values = np.asarray(values)
    if values.size == 0:
        return np.zeros(0, dtype=object)
    return np.char.zfill(values.astype(str), width).astype(object)
