"""The report site in headless Chromium, in Chinese and in English: every page opens
without console errors and shows its chart, its Chinese text drawn with a CJK font (not
as empty boxes); a screenshot of each is taken (kept in the test's tmp folder)."""

import re

from typer.testing import CliRunner

from ecif.cli import app
from ecif.report_site.pages import PAGES
from tests.cjk_rendering import assert_han_drawn_with_cjk_font, han_text_and_fonts


def test_every_report_page_renders_its_chart_without_console_errors(sample, browser, tmp_path):
    _, warehouse, _ = sample
    site = tmp_path / "site"
    result = CliRunner().invoke(app, ["report", "--out", str(site), "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    chinese_in_english_charts = set()
    for lang, folder in (("zh", site), ("en", site / "en")):
        for slug in ["index", *(p.slug for p in PAGES)]:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto((folder / f"{slug}.html").as_uri())
            if slug != "index":
                chart = page.locator("svg").first
                assert chart.is_visible(), slug
                box = chart.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 50, slug
                if lang == "zh":                       # legends and labels in Chinese
                    assert_han_drawn_with_cjk_font(page, "svg")
                elif han_text_and_fonts(page, "svg")[0] is not None:
                    chinese_in_english_charts.add(slug)  # names of places stay Chinese
                    assert_han_drawn_with_cjk_font(page, "svg")
            if lang == "zh":
                assert_han_drawn_with_cjk_font(page, "h1")
            shot = tmp_path / f"{lang}-{slug}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5_000, slug
            assert errors == [], (slug, errors)
            page.close()
    # the provinces of report 7 are Chinese chart labels in English too
    assert "customers" in chinese_in_english_charts
    reader_switches_the_dates(browser, site)


def reader_switches_the_dates(browser, site):
    """The date link writes every date of the page (cells, chart labels) in the other
    format, and the choice holds on the reader's next pages, in either language."""
    zh_date = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
    iso_date = re.compile(r"\d{4}-\d\d-\d\d")
    page = browser.new_page()
    page.goto((site / "customer-changes.html").as_uri())

    def dates() -> list[str]:
        return [*page.locator("td time").all_inner_texts(),
                *page.locator("svg text[data-iso]").all_inner_texts()]

    assert dates() and all(zh_date.fullmatch(d) for d in dates())
    page.locator("a.dates").click()
    assert all(iso_date.fullmatch(d) for d in dates())
    page.goto((site / "en" / "customer-changes.html").as_uri())
    assert all(iso_date.fullmatch(d) for d in dates())
    page.locator("a.dates").click()
    assert all(zh_date.fullmatch(d) for d in dates())
    page.goto((site / "customer-changes.html").as_uri())
    assert all(zh_date.fullmatch(d) for d in dates())
    page.close()
