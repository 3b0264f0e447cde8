"""The site's root: its landing page, and, published, its sitemap and "page not found".

The landing page opens the edition of the reader's browser language and lists all.

Editions are named as Sphinx names languages (``es``, ``pt_BR``); browsers send BCP 47 tags
(``es-MX``, ``pt-BR``). The page prefers an exact match (region included), then an edition of
the same language, for each of the reader's languages in order, and else the first edition.
"""

import html
import json
import shutil
from pathlib import Path

from book_build.project import bcp47
from book_build.web.assets import checksum
from book_build.web.policy import META as POLICY_META

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


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
  xmlns:xhtml="http://www.w3.org/1999/xhtml">
{urls}
</urlset>
"""


def sitemap(url: str, pages: dict[str, list[str]]) -> str:
    """The sitemap of the site at ``url`` whose editions hold ``pages`` (``{code: [page]}``):
    every page of every edition, each naming itself in every edition that has it (hreflang).
    Written here, not by sphinx-sitemap, which lists only the pages an incremental build
    wrote (jdillard/sphinx-sitemap#13), one edition at a time."""
    entries = []
    for code, names in pages.items():
        for name in names:
            links = "".join(
                f'\n    <xhtml:link rel="alternate" hreflang="{bcp47(other)}" '
                f'href="{html.escape(f"{url}{other}/{name}.html")}"/>'
                for other, others in pages.items()
                if name in others
            )
            entries.append(f"  <url>\n    <loc>{html.escape(f'{url}{code}/{name}.html')}</loc>"
                           f"{links}\n  </url>")  # fmt: skip
    return SITEMAP.format(urls="\n".join(entries))


def write_published_root(site: Path, url: str, pages: dict[str, list[str]]) -> list[Path]:
    """``sitemap.xml`` and ``404.html`` at the root of the site published at ``url``. A host
    serves the root's 404 for a missing address anywhere: the first edition's, whose ``<base>``
    (book_build.web.addresses) keeps its links working there. Unpublished, neither."""
    written = [site / "sitemap.xml", site / "404.html"]
    if not url or not pages:
        for path in written:
            path.unlink(missing_ok=True)
        return []
    written[0].write_text(sitemap(url, pages), encoding="utf-8")
    not_found = site / next(iter(pages)) / "404.html"
    if not not_found.exists():  # a book without book/404.md
        written[1].unlink(missing_ok=True)
        return written[:1]
    shutil.copyfile(not_found, written[1])
    return written
