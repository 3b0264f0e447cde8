"""Sphinx extension: the explorers' script and styles, on the pages that have an explorer.

A chapter glues an explorer (``descent.explorer_figures``): HTML with its SVG figure and the
data of every state. ``explorer.js`` and ``explorer.css`` (in ``book/_static``) bring it to
life; other pages do not load them. No inline script: the page works under a strict
Content-Security-Policy.
"""

from sphinx.application import Sphinx

from book_build.assets import for_website

MARKER = "data-explorer="  # every explorer's root element carries it


def has_explorer(context: dict) -> bool:
    return MARKER in context.get("body", "")


def add_assets(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    if for_website(app) and has_explorer(
        context
    ):  # called during html-page-context: for this page only
        app.add_js_file("explorer.js", loading_method="defer")
        app.add_css_file("explorer.css")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
