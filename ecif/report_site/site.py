"""`ecif report --out DIR`: the ten report pages and an index as a static HTML site,
in Chinese, and in English under DIR/en (each page links to its other language).

Self-contained pages (inline CSS, inline SVG charts): they open from a file share or
a laptop with no network.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from ecif.cjk_fonts import FONT_STACK
from ecif.report_site.pages import PAGES, SERIES, UNKNOWN_REGION_SQL, Page
from ecif.report_site.svg_charts import Switchable, bar_chart, label_parts, line_chart
from ecif.translation import (
    CODE_COLUMNS,
    DATE_FORMATS,
    code_label,
    column_label,
    date_format,
    format_date,
    format_number,
    gettext,
    shown_value,
)
from ecif.warehouse import Connection

STYLE = "<style>body{font-family:" + FONT_STACK + """;margin:1.5rem 2rem;color:#222}
nav a{margin-right:.8rem}nav a[hreflang],nav a.dates{float:right}
table{border-collapse:collapse;margin-top:1rem;font-size:13px}
td,th{border:1px solid #ddd;padding:.2rem .6rem;text-align:right}th{background:#f3f5f8}
td:first-child,th:first-child{text-align:left}.summary{color:#555;max-width:48rem}
</style>"""


# The reader's date format: the nav's date link switches every date of the page (table
# cells, chart labels and tips carry both forms) and keeps the choice for the other pages
# (localStorage, which file:// pages have too). Without script, the build's format stays.
DATE_SWITCH = """<script>(function () {
  var key = "ecif_dates", link = document.querySelector("a.dates");
  function show(format) {
    document.querySelectorAll("[data-iso]").forEach(function (element) {
      element.textContent = element.getAttribute("data-" + format);
    });
    var next = format === "zh" ? "iso" : "zh";
    link.setAttribute("data-dates", next);
    link.textContent = link.getAttribute("data-label-" + next);
  }
  var chosen = null;
  try { chosen = localStorage.getItem(key); } catch (error) {}
  if (chosen === "zh" || chosen === "iso") { show(chosen); }
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var format = link.getAttribute("data-dates");
    try { localStorage.setItem(key, format); } catch (error) {}
    show(format);
  });
})();</script>"""


class ReportError(RuntimeError):
    """The warehouse has no report models yet."""


class Reader:
    """One language's rendering of the site: its messages, names and formats (dates
    as `dates` asks, zh or iso; by default as the language writes them)."""

    def __init__(self, lang: str, dates: str | None = None) -> None:
        self.lang = lang
        self.dates = date_format(dates, lang)
        self._ = gettext(lang)

    def cell(self, column: str, value: object) -> str:
        return shown_value(CODE_COLUMNS.get(column, column), value, self.lang, self.dates, 3)

    def date(self, value: dt.date) -> Switchable:
        """A date in the reader's format, with the other at hand for the date switch."""
        return Switchable(format_date(value, self.dates),
                          {form: format_date(value, form) for form in DATE_FORMATS})

    def label(self, kind: str | None, value: object) -> str:
        """A chart label of `kind` (Page.labels)."""
        if kind == "date" and isinstance(value, dt.date):
            return self.date(value)
        if kind == "week":
            return self._("week {n}").format(n=value)
        if kind is not None:
            return code_label(kind, value, self.lang)
        return str(value)


def _html(reader: Reader, slug: str, title: str, body: str) -> str:
    _ = reader._
    # the switch leads to the same page in the other language (English under en/)
    other = ('<a href="en/{}.html" hreflang="en" lang="en">English</a>' if reader.lang == "zh"
             else '<a href="../{}.html" hreflang="zh-CN" lang="zh-CN">中文</a>').format(slug)
    lang = "zh-CN" if reader.lang == "zh" else "en"
    labels = {"zh": _("dates as 2026年11月20日"), "iso": _("dates as 2026-11-20")}
    switch = "zh" if reader.dates == "iso" else "iso"
    dates = (f'<a href="#" class="dates" data-dates="{switch}" data-label-zh="'
             f'{escape(labels["zh"])}" data-label-iso="{escape(labels["iso"])}">'
             f"{escape(labels[switch])}</a>")
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>'
            f'{escape(title)}</title>{STYLE}</head><body><nav><a href="index.html">'
            f'{escape(_("ECIF reports"))}</a>{other}{dates}</nav><h1>{escape(title)}</h1>'
            f"{body}{DATE_SWITCH}</body></html>")


def _chart(conn: Connection, page: Page, reader: Reader) -> str:
    rows = conn.fetchall(page.chart_sql)
    if page.kind == "trend":
        points = list(dict.fromkeys(str(r[0]) for r in rows))
        values = {(str(r[0]), r[1]): float(r[2]) for r in rows}
        systems = sorted({r[1] for r in rows})
        assert not isinstance(page.labels, tuple)
        return line_chart(points, {reader.label(page.labels, s): [values.get((p, s))
                                                                  for p in points]
                                   for s in systems})
    kinds = page.labels if isinstance(page.labels, tuple) else (page.labels,)
    names = [reader._(name) for name in SERIES[page.slug]]
    labels = [" · ".join(reader.label(kind, value) for kind, value in zip(kinds, r, strict=False))
              for r in rows]
    return bar_chart(labels, {name: [float(r[len(kinds) + i] or 0) for r in rows]
                              for i, name in enumerate(names)})


def _table(cursor_rows: list[tuple], columns: list[str], reader: Reader) -> str:
    header = "".join(f"<th>{escape(column_label(c, reader.lang))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell_html(reader, c, v)}</td>"
                                    for c, v in zip(columns, row, strict=True)) + "</tr>"
                   for row in cursor_rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _cell_html(reader: Reader, column: str, value: object) -> str:
    if not isinstance(value, dt.date):
        return escape(reader.cell(column, value))
    attributes, shown = label_parts(reader.date(value))
    return f'<time datetime="{value.isoformat()}"{attributes}>{shown}</time>'


def _model_table(conn: Connection, page: Page, reader: Reader) -> str:
    cursor = conn.execute(f"select * from reports.{page.model}")
    rows = cursor.fetchall()
    return _table(rows, [d[0] for d in cursor.description], reader)


def _unknown_regions(conn: Connection, reader: Reader) -> str:
    """Report 7's addendum: where the customers without a province come from."""
    _ = reader._
    rows = [(system, unknown, total, unknown / total if total else 0.0)
            for system, unknown, total in conn.fetchall(UNKNOWN_REGION_SQL)]
    header = "".join(f"<th>{escape(_(h))}</th>" for h in
                     ("source system", "customers without a province", "customers",
                      "share without a province"))
    body = "".join(
        f"<tr><td>{escape(code_label('source_system', system, reader.lang))}</td>"
        f"<td>{format_number(unknown)}</td><td>{format_number(total)}</td>"
        f"<td>{share:.1%}</td></tr>" for system, unknown, total, share in rows)
    completeness = next(p for p in PAGES if p.slug == "contact-completeness")
    return (f'<h2 id="unknown-region">{escape(_("Where the region is unknown"))}</h2>'
            f'<p class="summary">{escape(_(UNKNOWN_REGION_TEXT))} <a href="{completeness.slug}'
            f'.html">{escape(_(completeness.title))}</a></p>'
            f'<table class="unknown-region"><thead><tr>{header}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


UNKNOWN_REGION_TEXT = ("Customers whose province is unknown, per source system that holds "
                       "records of them (a customer counts once per system). The addresses "
                       "behind them are in the completeness report:")


def _write_language(conn: Connection, out: Path, reader: Reader) -> list[Path]:
    _ = reader._
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page in PAGES:
        path = out / f"{page.slug}.html"
        body = (f'<p class="summary">{escape(_(page.summary))}</p>'
                + _chart(conn, page, reader) + _model_table(conn, page, reader))
        if page.slug == "customers":
            body += _unknown_regions(conn, reader)
        path.write_text(_html(reader, page.slug, _(page.title), body), encoding="utf-8")
        written.append(path)
    links = "".join(f'<li><a href="{p.slug}.html">{escape(_(p.title))}</a> — '
                    f"{escape(_(p.summary))}</li>" for p in PAGES)
    (out / "index.html").write_text(
        _html(reader, "index", _("ECIF quality and customer reports"), f"<ol>{links}</ol>"),
        encoding="utf-8")
    return [out / "index.html", *written]


def write_site(conn: Connection, out: Path, dates: str | None = None) -> list[Path]:
    """The site in Chinese at `out`, and in English under `out`/en; dates in the format
    `dates` names (zh or iso), by default each language's."""
    missing = [p.model for p in PAGES if not conn.table_exists("reports", p.model)]
    if missing:
        raise ReportError(f"the warehouse has no {', '.join(missing)}: run `ecif run` first")
    return [*_write_language(conn, out, Reader("zh", dates)),
            *_write_language(conn, out / "en", Reader("en", dates))]
