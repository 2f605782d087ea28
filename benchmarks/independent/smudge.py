"""This data set's own dirt model: how a clerk, a scanner or a call-centre seat spoils a
value. Each function takes a clean value and returns (value as sent, dirt labels added).

Mechanisms differ from the main generator on purpose: homophones typed by a pinyin
input method, OCR confusions and transposed digits in scanned IDs, other mobile layouts,
several romanizations.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pypinyin import lazy_pinyin

# A pinyin IME offers these in the same candidate list: the clerk picks the wrong one.
HOMOPHONES = {
    "王": "汪", "汪": "王", "张": "章", "章": "张", "李": "黎", "林": "琳", "陈": "程", "程": "陈",
    "杨": "阳", "黄": "皇", "吴": "武", "徐": "许", "许": "徐", "伟": "玮", "玮": "伟", "静": "晶",
    "丽": "莉", "莉": "丽", "明": "铭", "华": "桦", "军": "君", "勇": "永", "杰": "洁", "芳": "方",
    "娟": "鹃", "敏": "闽", "磊": "垒", "涛": "滔", "强": "蔷", "艳": "燕", "燕": "艳", "刚": "钢",
    "平": "萍", "萍": "平", "辉": "晖", "鑫": "欣", "欣": "鑫", "红": "宏", "宏": "红", "霞": "侠",
    "峰": "锋", "锋": "峰", "英": "莹", "玲": "琳", "婷": "亭", "建": "健", "健": "建", "志": "智",
    "智": "志", "海": "亥", "云": "芸", "兰": "岚", "凤": "风", "秀": "绣", "宇": "雨", "晨": "辰",
    "科": "可", "技": "记", "信": "新", "息": "喜", "贸": "茂", "网": "往", "络": "洛",
}
OCR = {"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z", "6": "G"}
FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in
                           "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-()"})
PLACEHOLDER_IDS = ("000000000000000000", "111111111111111111", "123456789012345678",
                   "999999999999999999")
PLACEHOLDER_MOBILES = ("13800000000", "11111111111", "13999999999", "10000000000")

HOMOPHONE_RATE = 0.025
NAME_SPACE_RATE = 0.015
ID_MISSING_RATE = 0.04
ID_OCR_RATE = 0.01
ID_TRANSPOSE_RATE = 0.008
ID_SPACED_RATE = 0.01
ID_FULLWIDTH_RATE = 0.015
ID_LEGACY15_RATE = 0.04      # of RIDs of persons born before 1980
LOWER_X_RATE = 0.6
ID_AS_OTHER_RATE = 0.01      # an RID filed under the OTHER document type
MOBILE_MISSING_RATE = 0.06
MOBILE_LAYOUT_RATE = 0.08
MOBILE_TRANSPOSE_RATE = 0.007
PLACEHOLDER_ID_RATE = 0.005
PLACEHOLDER_MOBILE_RATE = 0.005
AGENT_MOBILE_RATE = 0.015


@dataclass(frozen=True)
class Dirt:
    """How dirty a data set is: every dirt rate times `multiplier` (capped at 1). At 1.0
    the draws are those of the plain data set, value for value; traps (placeholders, an
    agent's mobile) and legacy document types are the data's nature and are not scaled."""

    multiplier: float = 1.0

    def __call__(self, rate: float) -> float:
        return min(1.0, rate * self.multiplier)


def name(rng: random.Random, value: str, dirt: Dirt) -> tuple[str, set[str]]:
    labels: set[str] = set()
    swappable = [k for k, ch in enumerate(value) if ch in HOMOPHONES]
    if swappable and rng.random() < dirt(HOMOPHONE_RATE):
        k = rng.choice(swappable)
        value = value[:k] + HOMOPHONES[value[k]] + value[k + 1:]
        labels.add("homophone")
    if rng.random() < dirt(NAME_SPACE_RATE):
        value = rng.choice((f"{value[:1]}\u3000{value[1:]}", f"{value}  ", f" {value}"))
        labels.add("stray_space")
    return value, labels


def romanized(rng: random.Random, surname: str, given: str) -> str:
    """One of the ways a seat types a Chinese name in Latin letters."""
    umlaut = rng.random() < 0.5
    sur = "".join(lazy_pinyin(surname, v_to_u=umlaut)).capitalize()
    giv = lazy_pinyin(given, v_to_u=umlaut)
    style = rng.randrange(5)
    if style == 0:
        return f"{sur} {''.join(giv).capitalize()}"              # Zhang Xiaoming
    if style == 1:
        return f"{sur} {''.join(giv).capitalize()}".upper()      # ZHANG XIAOMING
    if style == 2:
        return f"{''.join(giv).capitalize()} {sur}"              # Xiaoming Zhang
    if style == 3:
        return f"{sur.upper()} {' '.join(s.capitalize() for s in giv)}"  # ZHANG Xiao Ming
    return (sur + "".join(giv)).lower()                          # zhangxiaoming


def _transpose(rng: random.Random, value: str, lo: int) -> str:
    k = rng.randrange(lo, len(value) - 1)
    return value[:k] + value[k + 1] + value[k] + value[k + 2:]


def id_number(rng: random.Random, value: str, id_type: str, born_before_1980: bool,
              dirt: Dirt) -> tuple[str, str, set[str], set[str]]:
    """(id_type, id_no, dirt, traps) as a source sends a person's document."""
    if rng.random() < PLACEHOLDER_ID_RATE:
        return id_type, rng.choice(PLACEHOLDER_IDS), set(), {"placeholder_id"}
    if rng.random() < dirt(ID_MISSING_RATE):
        return id_type, "", {"missing_id"}, set()
    labels: set[str] = set()
    if id_type in ("RID", "HHR"):
        if born_before_1980 and rng.random() < ID_LEGACY15_RATE:
            value = value[:6] + value[8:17]
            labels.add("legacy15")
        elif value.endswith("X") and rng.random() < dirt(LOWER_X_RATE):
            value = value[:-1] + "x"
            labels.add("lower_x")
        if id_type == "RID" and rng.random() < dirt(ID_AS_OTHER_RATE):
            id_type = "OTHER"
            labels.add("id_type_other")
    r = rng.random()
    digits = [k for k, ch in enumerate(value) if ch in OCR]
    if r < dirt(ID_OCR_RATE) and digits:
        k = rng.choice(digits)
        value = value[:k] + OCR[value[k]] + value[k + 1:]
        labels.add("ocr_confusion")
    elif r < dirt(ID_OCR_RATE + ID_TRANSPOSE_RATE) and len(value) > 8:
        value = _transpose(rng, value, 6)
        labels.add("transposed_digits")
    elif r < dirt(ID_OCR_RATE + ID_TRANSPOSE_RATE + ID_SPACED_RATE) and len(value) == 18:
        value = f"{value[:6]} {value[6:14]} {value[14:]}"
        labels.add("spaced")
    elif r < dirt(ID_OCR_RATE + ID_TRANSPOSE_RATE + ID_SPACED_RATE + ID_FULLWIDTH_RATE):
        value = value.translate(FULLWIDTH)
        labels.add("fullwidth")
    return id_type, value, labels, set()


def org_id(rng: random.Random, uscc: str, org_code: str, brn: str, dirt: Dirt
           ) -> tuple[str, str, set[str], set[str]]:
    if rng.random() < PLACEHOLDER_ID_RATE:
        return "USCC", rng.choice(PLACEHOLDER_IDS), set(), {"placeholder_id"}
    if rng.random() < dirt(ID_MISSING_RATE):
        return "USCC", "", {"missing_id"}, set()
    r = rng.random()
    if r < 0.05:
        return "ORG", org_code if rng.random() < 0.5 else org_code.replace("-", ""), \
            {"org_legacy_id"}, set()
    if r < 0.08:
        return "BRN", brn, {"org_legacy_id"}, set()
    r = rng.random()
    if r < dirt(0.02):
        return "USCC", uscc.lower(), {"lowercase"}, set()
    if r < dirt(0.03):
        k = [i for i, ch in enumerate(uscc) if ch in OCR]
        if k:
            i = rng.choice(k)
            return "USCC", uscc[:i] + OCR[uscc[i]] + uscc[i + 1:], {"ocr_confusion"}, set()
    if r < dirt(0.045):
        return "USCC", uscc.translate(FULLWIDTH), {"fullwidth"}, set()
    return "USCC", uscc, set(), set()


def layout_mobile(rng: random.Random, m: str) -> str:
    style = rng.randrange(7)
    return (f"(+86){m[:3]}-{m[3:7]}-{m[7:]}", f"+86 {m}", f"0086-{m}", f"{m[:3]} {m[3:7]} {m[7:]}",
            f"86 {m[:3]} {m[3:7]} {m[7:]}", m.translate(FULLWIDTH), f"{m[:3]}.{m[3:7]}.{m[7:]}",
            )[style]


def mobile(rng: random.Random, value: str, agent_mobile: str | None, dirt: Dirt
           ) -> tuple[str, set[str], set[str]]:
    """(mobile as sent, dirt, traps). agent_mobile: the agent's own, if an agent keyed it."""
    if rng.random() < PLACEHOLDER_MOBILE_RATE:
        return rng.choice(PLACEHOLDER_MOBILES), set(), {"placeholder_mobile"}
    if agent_mobile and rng.random() < AGENT_MOBILE_RATE:
        return agent_mobile, set(), {"agent_mobile"}
    if rng.random() < dirt(MOBILE_MISSING_RATE):
        return "", {"missing_mobile"}, set()
    r = rng.random()
    if r < dirt(MOBILE_TRANSPOSE_RATE):
        return _transpose(rng, value, 3), {"transposed_mobile"}, set()
    if r < dirt(MOBILE_TRANSPOSE_RATE + MOBILE_LAYOUT_RATE):
        return layout_mobile(rng, value), {"phone_format"}, set()
    return value, set(), set()
