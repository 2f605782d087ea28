"""zh-CN by default, English on request: the one message catalog of the pages
(ecif/locale/zh_CN.po, gettext style: the English text is the key, so English is
always complete), the names of codes and columns (seeds code_label and column_label),
and dates and numbers as a reader of the language writes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

from ecif.reference import read_seed

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
# How a reader may have dates written: 2026年11月20日 or ISO 8601 (2026-11-20).
DATE_FORMATS = ("zh", "iso")
CATALOG = Path(__file__).parent / "locale" / "zh_CN.po"
# Columns whose values are codes of a code type other than the column's own name.
CODE_COLUMNS = {"segment": "value_class", "reason": "id_validity",
                "suggested_product_line": "product_line"}


def language(asked: str | None) -> str:
    """The language a request or option names (zh, zh-CN, en, en-US...); zh otherwise."""
    base = (asked or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def date_format(asked: str | None, lang: str) -> str:
    """The date format the reader chose (zh or iso); without a choice, their language's:
    年月日 in Chinese, ISO in English."""
    chosen = (asked or "").strip().lower()
    if chosen in DATE_FORMATS:
        return chosen
    return "zh" if lang == "zh" else "iso"


def N_(message: str) -> str:
    """Marks an English message of the catalog that is translated where it is shown
    (an error detail, a meaning), not where it is written."""
    return message


@cache
def _catalog() -> dict[str, str]:
    # Babel reads the .po text itself: nothing is compiled at install, nothing goes stale.
    from babel.messages.pofile import read_po

    with CATALOG.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and m.string}


class Message(str):
    """A catalog message with its {fields} filled in (a refusal naming a party, say): as a
    str, the English text; gettext translates the message, then fills the same fields
    (a field that is a Message itself in the same language)."""

    template: str
    fields: dict[str, object]

    def __new__(cls, template: str, **fields: object) -> Message:
        text = super().__new__(cls, template.format(**fields))
        text.template, text.fields = template, fields
        return text


def gettext(lang: str) -> Callable[[str], str]:
    """The translation function of `lang`; a message missing from the catalog stays English."""
    if lang == "en":
        return str
    catalog = _catalog()

    def translate(message: str) -> str:
        if isinstance(message, Message):
            return catalog.get(message.template, message.template).format(**{
                name: translate(value) if isinstance(value, Message) else value
                for name, value in message.fields.items()})
        return catalog.get(message, message)
    return translate


@cache
def _labels(seed: str, key: tuple[str, ...]) -> dict[tuple[str, ...], dict[str, str]]:
    return {tuple(row[k] for k in key): {"zh": row["label_zh"], "en": row["label_en"]}
            for row in read_seed(seed)}


def code_label(code_type: str, code: object, lang: str) -> str:
    """The name of a standard code (居民身份证 for id_type RID); an unknown code as itself."""
    if code is None:
        return ""
    label = _labels("code_label", ("code_type", "code")).get((code_type, str(code)))
    return label[lang] if label else str(code)


def column_label(column: str, lang: str) -> str:
    """The header of a column in reports and XLSX exports; an unknown column as its name."""
    label = _labels("column_label", ("column_name",)).get((column,))
    return label[lang] if label else column


def labelled_code_types() -> set[str]:
    """The code types that have names: a column of that name shows names, not codes."""
    return {code_type for code_type, _ in _labels("code_label", ("code_type", "code"))}


def format_date(value: dt.date, dates: str) -> str:
    """2026年11月20日 (dates zh) or ISO 8601, 2026-11-20 (dates iso); a time of day to the
    minute after it."""
    time = f" {value:%H:%M}" if isinstance(value, dt.datetime) else ""
    if dates == "zh":
        return f"{value.year}年{value.month}月{value.day}日{time}"
    return f"{value:%Y-%m-%d}{time}"


def format_number(value: float, decimals: int = 0) -> str:
    """Thousands separators (the same comma in both languages)."""
    return f"{value:,.{decimals}f}"


def shown_value(code_type: str, value: object, lang: str, dates: str, decimals: int = 2) -> str:
    """A value as a person reads it: a date in their format, yes or no, a number with
    separators (a whole one without decimals: PostgreSQL sums counts as numeric), a code
    of `code_type` by its name; anything else as itself."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value, dates)
    if isinstance(value, bool):
        return gettext(lang)("yes" if value else "no")
    if isinstance(value, int) or (isinstance(value, Decimal)
                                  and value == value.to_integral_value()):
        return format_number(value)
    if isinstance(value, float | Decimal):
        return format_number(float(value), decimals)
    return code_label(code_type, value, lang)
