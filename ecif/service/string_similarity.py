"""DuckDB's string similarity functions in Python, with DuckDB's results, for the
model conditions identification evaluates in Python (ecif.service.sql_python).
Both work on characters (not UTF-8 bytes), as DuckDB's do."""

from __future__ import annotations

from fractions import Fraction


def damerau_levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, transpose adjacent) from a to b, without the
    restriction that a substring is edited once (DuckDB's, not optimal string
    alignment: 'abc' → 'ca' is 2). Lowrance–Wagner."""
    big = len(a) + len(b)
    last_row: dict[str, int] = {}
    # d[i + 1][j + 1] is the distance between a[:i] and b[:j]; row and column 0 hold `big`
    d = [[big] * (len(b) + 2)] + [[big] + [0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i + 1][1] = i
    for j in range(len(b) + 1):
        d[1][j + 1] = j
    for i in range(1, len(a) + 1):
        last_col = 0
        for j in range(1, len(b) + 1):
            k, col = last_row.get(b[j - 1], 0), last_col
            if a[i - 1] == b[j - 1]:
                cost, last_col = 0, j
            else:
                cost = 1
            d[i + 1][j + 1] = min(d[i][j] + cost, d[i + 1][j] + 1, d[i][j + 1] + 1,
                                  d[k][col] + (i - k - 1) + 1 + (j - col - 1))
        last_row[a[i - 1]] = i
    return d[len(a) + 1][len(b) + 1]


def jaro_winkler_similarity(a: str, b: str) -> float:
    """Jaro similarity with Winkler's common-prefix boost (weight 0.1, at most 4
    characters, only above 0.7); 0.0 when either string is empty."""
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    taken = [False] * len(b)
    matched_a = []
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not taken[j] and b[j] == char:
                taken[j] = True
                matched_a.append(char)
                break
    matches = len(matched_a)
    if not matches:
        return 0.0
    matched_b = [char for j, char in enumerate(b) if taken[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) // 2
    sim = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    if sim <= 0.7:
        return sim
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    # DuckDB's compiled boost is one fused multiply-add: rounded once, not twice
    return float(Fraction(prefix * 0.1) * Fraction(1 - sim) + Fraction(sim))
