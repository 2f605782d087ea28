"""`ecif report` on the nightly sample: an index and ten pages, each with its chart, and
numbers that agree with SQL on the same warehouse."""

from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.report_site.pages import PAGES


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
    for path in out.glob("*.html"):
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.stem] = parser
    return warehouse, pages


def test_the_index_links_ten_pages_each_with_a_drawn_chart_and_no_remote_asset(site):
    _, pages = site
    links = [a["href"] for tag, a in pages["index"].tags if tag == "a"]
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
    cells = pages["duplicate-rate"].cells
    for system, mentions, parties in xref:
        i = cells.index(system)
        assert cells[i + 1:i + 3] == [str(mentions), str(parties)]
    segment_cells = pages["policies-claims"].cells
    # segment, customers, ...: every golden customer is in one segment row
    assert sum(int(segment_cells[i + 1]) for i in range(0, len(segment_cells), 7)) == customers
