"""Regenerate seeds/pinyin_char.csv: toneless pinyin of every CJK unified ideograph.

Run after upgrading pypinyin: `.venv/bin/python reference_data/build_pinyin_seed.py`.
The seed lets SQL give every Chinese name a pinyin key, so a telesales lead typed
as `ZHANG WEI` can meet 张伟. Characters read differently as surnames (单 shan,
曾 zeng, ...) take their surname reading from seeds/pinyin_surname.csv instead,
for the first character of a name.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pypinyin import Style, pinyin

SEEDS = Path(__file__).resolve().parent / "seeds"
FIRST, LAST = 0x4E00, 0x9FA5  # the CJK Unified Ideographs basic block


def main() -> None:
    with (SEEDS / "pinyin_char.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["hanzi", "pinyin"])
        for code in range(FIRST, LAST + 1):
            char = chr(code)
            reading = pinyin(char, style=Style.NORMAL, errors="ignore")
            if reading and reading[0] and reading[0][0].isascii():
                writer.writerow([char, reading[0][0].replace("ü", "v")])


if __name__ == "__main__":
    main()
