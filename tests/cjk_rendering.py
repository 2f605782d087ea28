"""Which fonts Chromium really drew a page's Chinese text with. A page can name a CJK
font and still show empty boxes (the font is not installed, or the SVG names none), and
`document.fonts.check` cannot tell: it answers true for any font it need not download.
The DevTools protocol reports the platform fonts and glyph counts of one node's text."""

from __future__ import annotations

import re

from ecif.cjk_fonts import FONT_STACK

HAN = re.compile(r"[\u3400-\u9fff]")

# Marks the first element under `scope` whose own text holds a Han character (an SVG
# <title> is a tooltip, never drawn, so it is passed over) and returns that text.
_MARK_FIRST_HAN_TEXT = """scope => {
  for (const root of document.querySelectorAll(scope)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const element = n.parentElement;
      if (/[\\u3400-\\u9fff]/.test(n.textContent) && !element.closest('title')) {
        element.setAttribute('data-cjk-probe', '');
        return n.textContent;
      }
    }
  }
  return null;
}"""


def han_text_and_fonts(page, scope: str = "body") -> tuple[str | None, dict[str, int]]:
    """The first drawn Chinese text under `scope` and {font family: glyphs drawn} for it;
    (None, {}) when the page shows no Chinese there."""
    text = page.evaluate(_MARK_FIRST_HAN_TEXT, scope)
    if text is None:
        return None, {}
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    finally:
        cdp.detach()
    page.evaluate("document.querySelector('[data-cjk-probe]').removeAttribute('data-cjk-probe')")
    return text, {f["familyName"]: f["glyphCount"] for f in fonts}


def assert_han_drawn_with_cjk_font(page, scope: str = "body") -> str:
    """Every Han character of the first Chinese text under `scope` is drawn by a CJK font
    (not as the empty box of a Latin font); returns the text checked."""
    text, fonts = han_text_and_fonts(page, scope)
    assert text is not None, f"no Chinese text under {scope!r} on {page.url}"
    cjk_glyphs = sum(n for family, n in fonts.items()
                     if f'"{family}"' in FONT_STACK or "CJK" in family)
    assert cjk_glyphs >= len(HAN.findall(text)), (page.url, text, fonts)
    return text
