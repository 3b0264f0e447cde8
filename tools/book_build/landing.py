"""The site's landing page: it opens the edition of the reader's browser language and lists all.

Editions are named as Sphinx names languages (``es``, ``pt_BR``); browsers send BCP 47 tags
(``es-MX``, ``pt-BR``). The page prefers an exact match (region included), then an edition of
the same language, for each of the reader's languages in order, and else the first edition.
"""

import html
import json
from pathlib import Path

from book_build.assets import checksum
from book_build.policy import META as POLICY_META

SCRIPT_FILE = "landing.js"  # beside the page: the Content-Security-Policy forbids inline scripts

# Kept as a function of its own so the tests can run it in Node with any browser languages.
CHOOSE_EDITION_JS = """function chooseEdition(editions, wanted) {
  function tag(code) { return String(code).replace(/_/g, "-").toLowerCase(); }
  var tags = editions.map(tag);
  for (var i = 0; i < wanted.length; i++) {
    var want = tag(wanted[i]), exact = tags.indexOf(want);
    if (exact >= 0) return editions[exact];
    for (var j = 0; j < tags.length; j++) {
      if (tags[j].split("-")[0] === want.split("-")[0]) return editions[j];
    }
  }
  return editions[0];
}"""
GO_JS = """var script = document.currentScript;
location.replace(chooseEdition(JSON.parse(script.dataset.editions),
  navigator.languages || [navigator.language || ""]) + "/index.html");
"""


SCRIPT = CHOOSE_EDITION_JS + "\n" + GO_JS


def bcp47(code: str) -> str:
    """``pt_BR`` -> ``pt-BR``, as ``lang`` and ``hreflang`` attributes want it."""
    return code.replace("_", "-")


def landing_page(editions: dict[str, dict[str, str]]) -> str:
    """The page for the published ``editions`` (``{code: {"name", "title"}}``, in order)."""
    if not editions:
        raise ValueError("no edition was published, so there is nothing to land on")
    codes = list(editions)
    first = bcp47(codes[0])
    links = "\n".join(
        f'    <li><a href="{code}/index.html" hreflang="{bcp47(code)}" lang="{bcp47(code)}">'
        f"{html.escape(e['title'])} ({html.escape(e['name'])})</a></li>"
        for code, e in editions.items()
    )
    titles = " · ".join(html.escape(e["title"]) for e in editions.values())
    return f"""<!DOCTYPE html>
<html lang="{first}">
<head>
  <meta charset="utf-8">
  {POLICY_META}
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{titles}</title>
  <link rel="icon" href="{codes[0]}/_static/favicon.svg" type="image/svg+xml">
  <script src="{SCRIPT_FILE}?v={checksum(SCRIPT.encode())}"
    data-editions="{html.escape(json.dumps(codes))}"></script>
</head>
<body>
  <main>
  <h1>{titles}</h1>
  <ul>
{links}
  </ul>
  </main>
</body>
</html>
"""


def write_landing_page(site: Path, editions: dict[str, dict[str, str]]) -> Path | None:
    """Write ``site/index.html`` for the editions published in ``site``; none, no page."""
    page, script = site / "index.html", site / SCRIPT_FILE
    published = {code: e for code, e in editions.items() if (site / code / "index.html").exists()}
    if not published:
        page.unlink(missing_ok=True)
        script.unlink(missing_ok=True)
        return None
    page.write_text(landing_page(published), encoding="utf-8")
    script.write_text(SCRIPT, encoding="utf-8")
    return page
