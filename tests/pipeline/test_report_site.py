"""`ecif report` on the nightly sample: an index and ten pages, each with its chart, and
numbers that agree with SQL on the same warehouse."""

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
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_cell = tag == "td"

    def handle_endtag(self, tag):
        self._in_cell = False if tag == "td" else self._in_cell

    def handle_data(self, data):
        if self._in_cell:
            self.cells.append(data)


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
    links = [a["href"] for tag, a in pages["index"].tags if tag == "a" and "hreflang" not in a]
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
    _, pages = site
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
