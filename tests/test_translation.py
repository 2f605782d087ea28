"""The message catalog and the label seeds: every English text the pages show has its
Chinese, and the code names cover the codes the code map produces."""

import datetime as dt
import re
from pathlib import Path

import pytest

from ecif import translation
from ecif.reference import read_seed
from ecif.report_site import pages, site
from ecif.stewardship import links
from ecif.stewardship.users import StewardshipError
from ecif.translation import N_

ECIF = Path(translation.__file__).parent
# _("...") in the templates and the pages' code, N_("...") where a message is marked to
# be translated where shown (text written with straight quotes, single ones inside an
# f-string; adjacent ones joined)
MESSAGE = re.compile(r"""_\(\s*((?:"(?:[^"\\]|\\.)+"\s*|'(?:[^'\\]|\\.)+'\s*)+)\)""")
PIECE = re.compile(r""""((?:[^"\\]|\\.)+)"|'((?:[^'\\]|\\.)+)'""")


def _messages_in_code() -> set[str]:
    sources = [*(ECIF / "service" / "templates").glob("*.html"), Path(site.__file__),
               ECIF / "service" / "pages.py", ECIF / "service" / "agent_pages.py",
               ECIF / "lookup_display.py", ECIF / "service" / "exception_pages.py",
               ECIF / "service" / "portal.py", ECIF / "cli.py",
               *(ECIF / "stewardship").glob("*.py")]     # refusals the pages show
    found = {"".join(a or b for a, b in PIECE.findall(m)) for path in sources
             for m in MESSAGE.findall(path.read_text(encoding="utf-8"))}
    found |= {p.title for p in pages.PAGES} | {p.summary for p in pages.PAGES}
    found |= {name for names in pages.SERIES.values() for name in names}
    found.add(site.UNKNOWN_REGION_TEXT)
    return found


def test_every_message_of_the_pages_has_its_chinese():
    zh = translation.gettext("zh")
    messages = _messages_in_code()
    assert len(messages) > 50
    untranslated = sorted(m for m in messages if zh(m) == m or not re.search(r"[\u4e00-\u9fff]",
                                                                                 zh(m)))
    assert untranslated == []
    # placeholders survive translation
    for message in messages:
        assert set(re.findall(r"\{\w+\}", zh(message))) == set(re.findall(r"\{\w+\}", message))
    assert translation.gettext("en")("Suspect queue") == "Suspect queue"


def test_every_standard_code_of_the_code_map_has_a_chinese_and_an_english_name():
    labelled = {(r["code_type"], r["code"]): r for r in read_seed("code_label")}
    mapped = {(r["code_type"], r["standard_code"]) for r in read_seed("code_map")}
    assert mapped and mapped <= set(labelled), sorted(mapped - set(labelled))
    for row in labelled.values():
        assert re.search(r"[\u4e00-\u9fff]", row["label_zh"]) and row["label_en"], row
    assert translation.code_label("id_type", "RID", "zh") == labelled["id_type", "RID"][
        "label_zh"]
    assert translation.code_label("id_type", "NEW_CODE", "zh") == "NEW_CODE"   # as itself


def test_language_dates_and_numbers():
    assert [translation.language(v) for v in (None, "", "en", "en-US", "zh_CN", "fr")] == [
        "zh", "zh", "en", "en", "zh", "zh"]
    day = dt.date(2026, 11, 20)
    assert translation.format_date(day, "zh") == "2026年11月20日"
    assert translation.format_date(day, "iso") == "2026-11-20"
    at = dt.datetime(2026, 11, 20, 9, 5, 30)
    assert translation.format_date(at, "zh") == "2026年11月20日 09:05"
    assert translation.format_date(at, "iso") == "2026-11-20 09:05"
    # the reader's choice of date format, else their language's
    assert [translation.date_format(asked, lang) for asked, lang in (
        (None, "zh"), (None, "en"), ("iso", "zh"), ("zh", "en"), ("ISO", "en"), ("x", "zh"))
    ] == ["zh", "iso", "iso", "zh", "iso", "zh"]
    assert translation.format_number(1234567) == "1,234,567"


def test_a_refusal_is_read_in_the_readers_language():
    """A steward's refusal keeps its English words (CLI, API, logs) and reads in Chinese on
    the pages: the catalog's message, filled with the same fields, nested ones too."""
    with pytest.raises(StewardshipError) as refused:
        links.relationship(None, "fix", "P1", "P2", "SPOUSE", None, None)
    assert str(refused.value) == "action 'fix' is not one of add, end, correct"
    assert translation.gettext("en")(refused.value.message) == str(refused.value)
    zh = translation.gettext("zh")
    assert zh(refused.value.message) == "操作“fix”不在 add, end, correct 之中"
    row = StewardshipError(N_("{file}: row {row}: field party_id: {problem}"), file="f.csv",
                           row=2, problem=StewardshipError(N_("no party {party}"),
                                                           party="P9").message)
    assert str(row) == "f.csv: row 2: field party_id: no party P9"
    assert zh(row.message) == "f.csv：第 2 行：字段 party_id：没有客户 P9"
