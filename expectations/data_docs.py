"""Make GX Data Docs render offline.

GX's templates load Bootstrap, jQuery and Vega from CDNs; a nightly run may not reach
the internet and a steward may open the docs on a closed network. The validation
tables are rendered server-side, so we drop the remote tags (and GX's tracking
image), inline a small style sheet, and stub the scripts' globals so the inline
scripts run without errors.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCS_SUBDIR = Path("gx") / "uncommitted" / "data_docs" / "local_site"
_REMOTE = re.compile(
    r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>|<link[^>]*\bhref=\"https?://[^>]*>"
    r"|<img[^>]*\bsrc=\"https?://[^>]*>",
    re.IGNORECASE)
_OFFLINE_HEAD = """<style>
body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}
.text-danger{color:#b00020}.text-success{color:#1b7f3b}.d-none,.modal{display:none}
</style>
<script>
// stand-ins for the CDN libraries (jQuery, Vega) the GX templates call
(function () {
  var noop = new Proxy(function () {}, {get: function () { return noop; },
                                        apply: function () { return noop; }});
  window.$ = window.jQuery = window.vegaEmbed = noop;
})();
</script>
"""
_MARKER = "<!-- ecif-offline -->"


def site_dir(docs_dir: Path) -> Path:
    return docs_dir / DOCS_SUBDIR


def make_offline(docs_dir: Path) -> None:
    for page in site_dir(docs_dir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if _MARKER in html:
            continue
        html = _REMOTE.sub("", html)
        html = re.sub(r"<head>", "<head>" + _MARKER + _OFFLINE_HEAD, html, count=1,
                      flags=re.IGNORECASE)
        page.write_text(html, encoding="utf-8")
