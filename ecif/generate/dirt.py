"""Dirt and traps applied to whole columns of mention values, recorded as bit labels.

Every function takes the clean values of the rows it may touch and returns the values a
source would actually send, setting label bits for the ground truth. Rates live in
`rates.py`.
"""

from __future__ import annotations

import numpy as np

from ecif.generate import rates
from ecif.generate.identifiers import PLACEHOLDER_IDS, PLACEHOLDER_MOBILES
from ecif.generate.names import SIMILAR

DIRT_LABELS = (
    "typo", "fullwidth", "stray_space", "pinyin", "legacy15", "bad_check", "lower_x",
    "phone_prefix", "changed_mobile", "missing_id", "missing_mobile", "missing_gender",
    "dup_in_system", "org_legacy_id", "lowercase",
)
TRAP_LABELS = (
    "placeholder_id", "placeholder_mobile", "agent_mobile", "spouse", "twin", "common_name",
    "sister_company", "branch",
)
DIRT = {name: np.int64(1 << i) for i, name in enumerate(DIRT_LABELS)}
TRAP = {name: np.int64(1 << i) for i, name in enumerate(TRAP_LABELS)}

# Labels that describe the mobile value (cleared when a changed mobile replaces it).
MOBILE_DIRT = DIRT["phone_prefix"] | DIRT["missing_mobile"]
MOBILE_TRAPS = TRAP["placeholder_mobile"] | TRAP["agent_mobile"]

_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in
              "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()-"}
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)
_CHECK_SWAP = str.maketrans("0123456789X", "1234567890Y")


def labels_text(bits: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Bit masks → 'a;b' strings (few distinct values, so this maps uniques only)."""
    uniq, inv = np.unique(bits, return_inverse=True)
    text = np.array([";".join(n for i, n in enumerate(names) if int(u) >> i & 1) for u in uniq],
                    dtype=object)
    return text[inv.reshape(-1)] if len(bits) else np.array([], dtype=object)


def _pick(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    return eligible & (rng.random(len(eligible)) < rate)


def fullwidth(values: np.ndarray) -> np.ndarray:
    return np.array([v.translate(_FULLWIDTH_TABLE) for v in values], dtype=object)


def dirty_names(rng: np.random.Generator, names: np.ndarray, bits: np.ndarray,
                typo: bool = True) -> np.ndarray:
    out = names.copy()
    n = len(out)
    nonempty = np.array([bool(v) for v in out], dtype=bool) if n else np.zeros(0, bool)
    if typo:
        m = _pick(rng, nonempty, rates.TYPO_RATE)
        idx = np.flatnonzero(m)
        pos = rng.random(len(idx))
        alt = rng.integers(0, 3, len(idx))
        changed = np.zeros(n, bool)
        for j, i in enumerate(idx.tolist()):
            v = out[i]
            cands = [k for k, ch in enumerate(v) if ch in SIMILAR]
            if not cands:
                continue
            k = cands[int(pos[j] * len(cands))]
            sim = SIMILAR[v[k]]
            out[i] = v[:k] + sim[int(alt[j]) % len(sim)] + v[k + 1:]
            changed[i] = True
        bits[changed] |= DIRT["typo"]
    m = _pick(rng, nonempty, rates.STRAY_SPACE_RATE)
    idx = np.flatnonzero(m)
    kind = rng.integers(0, 3, len(idx))
    for j, i in enumerate(idx.tolist()):
        v = out[i]
        if kind[j] == 0:
            out[i] = " " + v + " "
        elif kind[j] == 1 and len(v) > 1:
            out[i] = v[0] + " " + v[1:]          # 张 伟
        else:
            out[i] = v + "\u3000" if kind[j] == 2 else v + " "
    bits[m] |= DIRT["stray_space"]
    return out


def dirty_person_ids(rng: np.random.Generator, ids: np.ndarray, birth_year: np.ndarray,
                     bits: np.ndarray, traps: np.ndarray, resident: np.ndarray) -> np.ndarray:
    """Person documents as sent: placeholders, missing, full-width; resident ID numbers
    (`resident`) also 15-digit legacy, bad check, x."""
    out = ids.copy()
    n = len(out)
    everyone = np.ones(n, bool)
    ph = _pick(rng, everyone, rates.PLACEHOLDER_ID_RATE)
    out[ph] = np.array(PLACEHOLDER_IDS, dtype=object)[rng.integers(0, 3, int(ph.sum()))]
    traps[ph] |= TRAP["placeholder_id"]
    free = ~ph
    miss = _pick(rng, free, rates.MISSING_ID_RATE)
    out[miss] = ""
    bits[miss] |= DIRT["missing_id"]
    free &= ~miss
    leg = _pick(rng, free & resident & (birth_year < 1984), rates.LEGACY15_RATE)
    out[leg] = np.array([s[:6] + s[8:17] for s in out[leg]], dtype=object)
    bits[leg] |= DIRT["legacy15"]
    free &= ~leg
    bad = _pick(rng, free & resident, rates.BAD_CHECK_RATE)
    out[bad] = np.array([s[:17] + s[17].translate(_CHECK_SWAP) for s in out[bad]], dtype=object)
    bits[bad] |= DIRT["bad_check"]
    ends_x = np.array([s.endswith("X") for s in out], dtype=bool) if n else np.zeros(0, bool)
    low = _pick(rng, free & resident & ~bad & ends_x, rates.LOWER_X_RATE)
    out[low] = np.array([s[:17] + "x" for s in out[low]], dtype=object)
    bits[low] |= DIRT["lower_x"]
    fw = _pick(rng, free & ~bad, rates.FULLWIDTH_RATE)
    out[fw] = fullwidth(out[fw])
    bits[fw] |= DIRT["fullwidth"]
    return out


def dirty_org_ids(rng: np.random.Generator, ids: np.ndarray, bits: np.ndarray,
                  traps: np.ndarray) -> np.ndarray:
    out = ids.copy()
    n = len(out)
    everyone = np.ones(n, bool)
    ph = _pick(rng, everyone, rates.PLACEHOLDER_ID_RATE)
    out[ph] = "000000000000000000"
    traps[ph] |= TRAP["placeholder_id"]
    free = ~ph
    miss = _pick(rng, free, rates.MISSING_ID_RATE)
    out[miss] = ""
    bits[miss] |= DIRT["missing_id"]
    free &= ~miss
    uscc = np.array([len(s) == 18 for s in out], dtype=bool) if n else np.zeros(0, bool)
    bad = _pick(rng, free & uscc, rates.BAD_CHECK_RATE)
    swap = str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY", "123456789ABCDEFGHJKLMNPQRTUWXY0")
    out[bad] = np.array([s[:17] + s[17].translate(swap) for s in out[bad]], dtype=object)
    bits[bad] |= DIRT["bad_check"]
    low = _pick(rng, free & ~bad, rates.FULLWIDTH_RATE)
    out[low] = np.array([s.lower() for s in out[low]], dtype=object)  # mixed case
    bits[low] |= DIRT["lowercase"]
    fw = _pick(rng, free & ~bad & ~low, rates.FULLWIDTH_RATE)
    out[fw] = fullwidth(out[fw])
    bits[fw] |= DIRT["fullwidth"]
    return out


def format_mobiles(rng: np.random.Generator, mobiles: np.ndarray) -> np.ndarray:
    """The many ways a mobile is written: +86, 0086, 86, blanks, hyphens."""
    style = rng.integers(0, 7, len(mobiles))
    out = np.empty(len(mobiles), dtype=object)
    for s in range(7):
        m = style == s
        v = mobiles[m]
        if s == 0:
            out[m] = "+86" + v
        elif s == 1:
            out[m] = "0086" + v
        elif s == 2:
            out[m] = "86" + v
        elif s == 3:
            out[m] = np.array([f"{x[:3]} {x[3:7]} {x[7:]}" for x in v], dtype=object)
        elif s == 4:
            out[m] = np.array([f"{x[:3]}-{x[3:7]}-{x[7:]}" for x in v], dtype=object)
        elif s == 5:
            out[m] = np.array([f"+86 {x[:3]} {x[3:7]} {x[7:]}" for x in v], dtype=object)
        else:
            out[m] = "+86-" + v
    return out


def dirty_mobiles(rng: np.random.Generator, mobiles: np.ndarray, agent_mobiles: np.ndarray | None,
                  bits: np.ndarray, traps: np.ndarray) -> np.ndarray:
    out = mobiles.copy()
    n = len(out)
    present = np.array([bool(v) for v in out], dtype=bool) if n else np.zeros(0, bool)
    ph = _pick(rng, present, rates.PLACEHOLDER_MOBILE_RATE)
    out[ph] = np.array(PLACEHOLDER_MOBILES, dtype=object)[rng.integers(0, 3, int(ph.sum()))]
    traps[ph] |= TRAP["placeholder_mobile"]
    free = present & ~ph
    if agent_mobiles is not None:
        ag = _pick(rng, free, rates.AGENT_MOBILE_RATE)
        out[ag] = agent_mobiles[ag]
        traps[ag] |= TRAP["agent_mobile"]
        free &= ~ag
    miss = _pick(rng, free, rates.MISSING_MOBILE_RATE)
    out[miss] = ""
    bits[miss] |= DIRT["missing_mobile"]
    free &= ~miss
    pre = _pick(rng, free, rates.PHONE_PREFIX_RATE)
    out[pre] = format_mobiles(rng, out[pre])
    bits[pre] |= DIRT["phone_prefix"]
    fw = _pick(rng, free & ~pre, rates.FULLWIDTH_RATE)
    out[fw] = fullwidth(out[fw])
    bits[fw] |= DIRT["fullwidth"]
    return out


def missing_gender(rng: np.random.Generator, n: int, bits: np.ndarray) -> np.ndarray:
    m = rng.random(n) < rates.MISSING_GENDER_RATE
    bits[m] |= DIRT["missing_gender"]
    return m
