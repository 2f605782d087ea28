"""`ecif report --out DIR`: the ten report pages and an index as a static HTML site.

Self-contained pages (inline CSS, inline SVG charts): they open from a file share or
a laptop with no network.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ecif.cjk_fonts import FONT_STACK
from ecif.report_site.pages import PAGES, SERIES, Page
from ecif.report_site.svg_charts import bar_chart, line_chart
from ecif.warehouse import Connection

STYLE = "<style>body{font-family:" + FONT_STACK + """;margin:1.5rem 2rem;color:#222}
nav a{margin-right:.8rem}table{border-collapse:collapse;margin-top:1rem;font-size:13px}
td,th{border:1px solid #ddd;padding:.2rem .6rem;text-align:right}th{background:#f3f5f8}
td:first-child,th:first-child{text-align:left}.summary{color:#555;max-width:48rem}
</style>"""


class ReportError(RuntimeError):
    """The warehouse has no report models yet."""


def _html(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
            f'{escape(title)}</title>{STYLE}</head><body><nav><a href="index.html">'
            f"ECIF reports</a></nav><h1>{escape(title)}</h1>{body}</body></html>")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape("" if value is None else str(value))


def _chart(conn: Connection, page: Page) -> str:
    rows = conn.fetchall(page.chart_sql)
    if page.kind == "trend":
        points = list(dict.fromkeys(r[0] for r in rows))
        values = {(r[0], r[1]): float(r[2]) for r in rows}
        systems = sorted({r[1] for r in rows})
        return line_chart(points, {s: [values.get((p, s)) for p in points] for s in systems})
    names = SERIES[page.slug]
    return bar_chart([str(r[0]) for r in rows],
                     {name: [float(r[i + 1] or 0) for r in rows] for i, name in enumerate(names)})


def _table(conn: Connection, page: Page) -> str:
    cursor = conn.execute(f"select * from reports.{page.model}")
    rows = cursor.fetchall()
    header = "".join(f"<th>{escape(d[0])}</th>" for d in cursor.description)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def write_site(conn: Connection, out: Path) -> list[Path]:
    missing = [p.model for p in PAGES if not conn.table_exists("reports", p.model)]
    if missing:
        raise ReportError(f"the warehouse has no {', '.join(missing)}: run `ecif run` first")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page in PAGES:
        path = out / f"{page.slug}.html"
        path.write_text(_html(page.title, f'<p class="summary">{escape(page.summary)}</p>'
                              + _chart(conn, page) + _table(conn, page)), encoding="utf-8")
        written.append(path)
    links = "".join(f'<li><a href="{p.slug}.html">{escape(p.title)}</a> — '
                    f"{escape(p.summary)}</li>" for p in PAGES)
    (out / "index.html").write_text(_html("ECIF quality and customer reports",
                                          f"<ol>{links}</ol>"), encoding="utf-8")
    return [out / "index.html", *written]
