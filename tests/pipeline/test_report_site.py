"""`ecif report` on the nightly sample: an index and ten pages, each with its chart, and
numbers that agree with SQL on the same warehouse."""

import re
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.report_site.pages import PAGES
from ecif.translation import code_label, column_label, format_number, gettext


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.cells: list[str] = []
        self.chart_texts: list[str] = []        # the labels and legends drawn on the chart
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        # a date is a <time> inside its cell (the date switch)
        self._in = tag if tag in ("td", "text") else self._in if tag == "time" else None

    def handle_endtag(self, tag):
        self._in = None if tag == self._in else self._in

    def handle_data(self, data):
        if self._in == "td":
            self.cells.append(data)
        elif self._in == "text":
            self.chart_texts.append(data)


@pytest.fixture(scope="module")
def site(sample, tmp_path_factory):
    _, warehouse, _ = sample
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(app, ["report", "--out", str(out), "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    pages = {}
    for path in [*out.glob("*.html"), *out.glob("en/*.html")]:
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.relative_to(out).with_suffix("").as_posix()] = parser
    return warehouse, pages


def test_the_index_links_ten_pages_each_with_a_drawn_chart_and_no_remote_asset(site):
    _, pages = site
    # (not the language and date switches)
    links = [a["href"] for tag, a in pages["index"].tags
             if tag == "a" and "hreflang" not in a and a.get("class") != "dates"]
    assert [f"{p.slug}.html" for p in PAGES] == [h for h in links if h != "index.html"]
    assert len(PAGES) == 10
    for page in PAGES:
        tags = pages[page.slug].tags
        assert any(tag == "svg" for tag, _ in tags), page.slug
        marks = [t for t, a in tags if t in ("polyline", "circle") or a.get("class") == "bar"]
        assert marks, page.slug
        assert pages[page.slug].cells, page.slug
        assert not [a for _, a in tags if str(a.get("src", "")).startswith("http")]


def test_numbers_on_the_pages_agree_with_sql(site):
    warehouse, pages = site
    with warehouse.connect() as conn:
        xref = conn.fetchall("select source_system, count(*), count(distinct party_id) "
                             "from marts.customer_xref group by source_system")
        customers = conn.scalar("select count(*) from marts.customer")
    for lang, prefix in (("zh", ""), ("en", "en/")):
        cells = pages[f"{prefix}duplicate-rate"].cells
        for system, mentions, parties in xref:
            i = cells.index(code_label("source_system", system, lang))  # names, not codes
            assert cells[i + 1:i + 3] == [format_number(mentions), format_number(parties)]
        segment_cells = pages[f"{prefix}policies-claims"].cells
        # segment, customers, ...: every golden customer is in one segment row
        assert sum(int(segment_cells[i + 1].replace(",", ""))
                   for i in range(0, len(segment_cells), 7)) == customers


def test_chinese_by_default_english_under_en_each_linking_to_the_other(site):
    warehouse, pages = site
    zh, en = gettext("zh"), gettext("en")
    for page in PAGES:
        for lang, key, other in (("zh", page.slug, f"en/{page.slug}.html"),
                                 ("en", f"en/{page.slug}", f"../{page.slug}.html")):
            tags = pages[key].tags
            assert tags[0] == ("html", {"lang": "zh-CN" if lang == "zh" else "en"}), key
            assert any(t == "a" and a.get("href") == other for t, a in tags), key
        assert zh(page.title) != en(page.title) == page.title, page.slug   # translated
    # headers and codes as names in the reader's language
    zh_cells = pages["customers"].cells
    assert code_label("party_type", "P", "zh") in zh_cells and "P" not in zh_cells
    assert code_label("party_type", "P", "en") in pages["en/customers"].cells
    assert column_label("party_type", "zh") != column_label("party_type", "en")
    # dates as 2026年11月20日 in Chinese, ISO in English
    assert all("年" in c and c.endswith("日") for c in pages["customer-changes"].cells[::4])
    assert all(len(c) == 10 and c[4] == "-" for c in pages["en/customer-changes"].cells[::4])
    # report 6: systems and code types by name, in the table and on the chart
    for lang, key in (("zh", "code-mapping"), ("en", "en/code-mapping")):
        cells = pages[key].cells
        assert code_label("code_type", "id_type", lang) in cells and "id_type" not in cells
        assert code_label("source_system", "core", lang) in cells and "core" not in cells
        core_id_type = " · ".join(code_label(t, c, lang) for t, c in (("source_system", "core"),
                                                                       ("code_type", "id_type")))
        assert core_id_type in pages[key].chart_texts
    with warehouse.connect() as conn:
        pairs = conn.fetchall("select source_system, code_type from "
                              "reports.rpt_code_mapping_exception")
    assert all(code_label("code_type", t, "zh") != t for _, t in pairs)  # every one named
    # report 1: the quality dimensions by name
    assert code_label("dimension", "validity", "zh") in pages["dq-scorecard"].cells
    assert "validity" not in pages["dq-scorecard"].cells


def test_dates_in_the_format_the_reader_asks_for(sample, tmp_path):
    """`ecif report --dates iso` writes ISO dates on the Chinese pages too (and --dates zh
    年月日 on the English ones)."""
    _, warehouse, _ = sample
    for dates, pattern in (("iso", r"\d{4}-\d\d-\d\d"), ("zh", r"\d{4}年\d{1,2}月\d{1,2}日")):
        out = tmp_path / dates
        result = CliRunner().invoke(app, ["report", "--out", str(out), "--warehouse",
                                          warehouse.url, "--dates", dates])
        assert result.exit_code == 0, result.output
        for page in (out / "customer-changes.html", out / "en" / "customer-changes.html"):
            parser = PageParser()
            parser.feed(page.read_text(encoding="utf-8"))
            assert parser.cells and all(re.fullmatch(pattern, c) for c in parser.cells[::4])
    refused = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "x"), "--warehouse",
                                       warehouse.url, "--dates", "us"])
    assert refused.exit_code != 0


def test_report_7_shows_where_the_region_is_unknown_per_source_system(site):
    warehouse, pages = site
    with warehouse.connect() as conn:
        held = conn.fetchall("select x.source_system, c.party_id, c.province "
                             "from marts.customer_xref as x "
                             "join marts.customer_360 as c on c.party_id = x.party_id")
    systems: dict[str, tuple[set, set]] = {}
    for system, party, province in held:
        unknown, every = systems.setdefault(system, (set(), set()))
        every.add(party)
        if province is None:
            unknown.add(party)
    assert any(unknown for unknown, _ in systems.values())
    for lang, key in (("zh", "customers"), ("en", "en/customers")):
        cells = pages[key].cells
        for system, (unknown, every) in systems.items():
            i = cells.index(code_label("source_system", system, lang))
            assert cells[i + 1:i + 4] == [format_number(len(unknown)), format_number(len(every)),
                                          f"{len(unknown) / len(every):.1%}"], (lang, system)
        assert any(t == "a" and a.get("href") == "contact-completeness.html"
                   for t, a in pages[key].tags)
