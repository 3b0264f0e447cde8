"""Sphinx extension: the explorers' script, on the pages that have an explorer, and style.

A chapter glues an explorer (``descent.explorer_figures``): HTML with its SVG figure and the
data of every state. ``explorer.js`` and ``explorer.css`` (in ``book/_static``) bring it to
life; other pages do not load the script. No inline script: the page works under a strict
Content-Security-Policy.

On the website, each explorer's data (a third of a page's compressed bytes) leaves the page for
a deferred script of its own, ``_static/explorers/<id>.js``: the first paint waits for the page,
not for the data that only moving a slider needs (Lighthouse's largest contentful paint, about
0.2 s sooner on a phone). The id is a checksum of the data, so the file is never stale.
"""

import re
from pathlib import Path

from sphinx.application import Sphinx

from book_build.web.assets import for_website

MARKER = "data-explorer="  # every explorer's root element carries it
EXPLORER = re.compile(
    r'(<div class="explorer" id="(?P<id>[\w-]+)" data-explorer="[\w-]+">.*?)'
    r'<script type="application/json" class="explorer-data">(?P<data>.*?)</script>',
    re.S,
)


def has_explorer(context: dict) -> bool:
    return MARKER in context.get("body", "")


def data_script(uid: str, data: str) -> str:
    """The script that hands explorer ``uid`` its data (the JSON, which is valid JavaScript)."""
    return f"(window.explorerData = window.explorerData || {{}})[{uid!r}] = {data};\n"


def add_assets(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """Called during html-page-context: the scripts and styles of this page only."""
    if not (for_website(app) and has_explorer(context)):
        return
    folder = Path(app.outdir, "_static", "explorers")
    folder.mkdir(parents=True, exist_ok=True)
    for found in EXPLORER.finditer(context["body"]):
        script = folder / f"{found['id']}.js"
        script.write_text(data_script(found["id"], found["data"]), encoding="utf-8")
        app.add_js_file(f"explorers/{script.name}", loading_method="defer")
    context["body"] = EXPLORER.sub(r"\1", context["body"])
    app.add_js_file("explorer.js", loading_method="defer")


def add_style(app: Sphinx) -> None:
    """Every page links the style (4 KB): with it, every page shares one stylesheet bundle."""
    if for_website(app):
        app.add_css_file("explorer.css")
