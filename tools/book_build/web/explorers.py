"""Sphinx extension: an explorer on the web page, with its script and style.

A chapter glues an explorer (``descent.explorer_figures``), which hands the build its data
(``descent.outputs.ExplorerData``): SVG panels of the default state, sliders, a sentence, a key,
and the data of every state. Here it becomes the page's widget. ``explorer.js`` and
``explorer.css`` (in ``book/_static``) bring it to life; other pages do not load the script. No
inline script: the page works under a strict Content-Security-Policy.

On the website, each explorer's data (a third of a page's compressed bytes) stays out of the
page, in a deferred script of its own, ``_static/explorers/<id>.js``: the first paint waits for
the page, not for the data that only moving a slider needs (Lighthouse's largest contentful
paint, about 0.2 s sooner on a phone). The id is a checksum of the data, so the file is never
stale.
"""

from html import escape as e
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from book_build.web.assets import for_website, write_if_changed
from descent.outputs import ExplorerData


class explorer(nodes.raw):  # noqa: N801 (docutils names nodes in lower case)
    """The widget's markup; its ``uid`` and ``data`` go to a script file of the page."""


def widget_node(widget: ExplorerData) -> explorer:
    return explorer("", widget_html(widget), format="html", uid=widget["id"], data=widget["data"])


def widget_html(widget: ExplorerData) -> str:
    """A grid: the sliders (shown by the script), the sentence and the key, then the panels."""
    uid = widget["id"]
    controls = "".join(
        f'<div class="explorer-slider"><label for="{uid}-{s["name"]}">{e(s["label"])}</label>'
        f'<input type="range" id="{uid}-{s["name"]}" min="0" max="{len(s["values"]) - 1}" '
        f'step="1" value="{s["default"]}" aria-valuetext="{e(s["values"][s["default"]])}">'
        f'<output for="{uid}-{s["name"]}">{e(s["values"][s["default"]])}</output></div>'
        for s in widget["sliders"]
    )
    items = "".join(
        f'<li><svg viewBox="0 0 24 8" aria-hidden="true"><line class="{css}" x1="1" y1="4" '
        f'x2="23" y2="4"/></svg>{e(text)}</li>'
        for css, text in widget["legend"]
    )
    legend = f'<ul class="explorer-legend">{items}</ul>' if items else ""
    panels = "".join(
        f'<svg viewBox="0 0 {p["width"]} {p["height"]}" role="img" aria-label="{e(p["label"])}">'
        f"{p['drawing']}</svg>"
        for p in widget["panels"]
    )
    return (
        f'<div class="explorer" id="{uid}" data-explorer="{widget["name"]}">'
        f'<div class="explorer-grid"><div class="explorer-text">'
        f'<div class="explorer-sliders" hidden>{controls}</div>'
        f'<p class="explorer-summary" aria-live="polite" data-mark="summary">'
        f"{e(widget['summary'])}</p>"
        f"{legend}</div>{panels}</div>"
        "</div>"
    )


def data_script(uid: str, data: str) -> str:
    """The script that hands explorer ``uid`` its data (the JSON, which is valid JavaScript)."""
    return f"(window.explorerData = window.explorerData || {{}})[{uid!r}] = {data};\n"


def add_assets(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """Called during html-page-context: each explorer's data file, and the scripts of this page."""
    found = list(doctree.findall(explorer)) if doctree is not None else []
    if not (for_website(app) and found):
        return
    folder = Path(app.outdir, "_static", "explorers")
    for node in found:
        script = folder / f"{node['uid']}.js"
        write_if_changed(script, data_script(node["uid"], node["data"]).encode())
        app.add_js_file(f"explorers/{script.name}", loading_method="defer")
    app.add_js_file("explorer.js", loading_method="defer")


def add_style(app: Sphinx) -> None:
    """Every page links the style (4 KB): with it, every page shares one stylesheet bundle."""
    if for_website(app):
        app.add_css_file("explorer.css")
