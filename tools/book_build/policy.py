"""Sphinx extension: a strict Content-Security-Policy in every page, and scripts it allows.

The policy (``POLICY``) lets a page load scripts, styles, fonts and media from the site only and
run no inline script or event handler, so an injected or third-party script cannot run. Sphinx
and its extensions add a few inline scripts (``DOCUMENTATION_OPTIONS.pagename = …``, the toggle
button's hints); each run of them becomes a file named by its content, at the same place among
the page's scripts. Every script is deferred: none blocks the first paint, and they still run in
order, before ``DOMContentLoaded``.

The theme's own inline script (the reader's colour mode, which must run before the first paint)
and its ``<noscript><style>`` are replaced in ``book/_templates/layout.html`` by files.
"""

import html
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript  # what script_files holds; no public name

from book_build.assets import checksum, write_if_changed

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # the theme's stylesheet draws a few small images as data: URIs
    "font-src 'self'",
    "media-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])  # fmt: skip
META = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(POLICY)}">'
INLINE_DIR = "_static/inline"


def inline_scripts_as_files(scripts: list, write) -> list:
    """``scripts`` (in page order) with each run of inline scripts joined into one file, written
    by ``write(relative_path, text)``, and every script deferred."""
    result, bodies = [], []

    def flush(priority: int) -> None:
        if bodies:
            text = "\n".join(bodies) + "\n"
            path = f"{INLINE_DIR}/{checksum(text.encode())}.js"
            write(path, text)
            result.append(_JavaScript(path, priority=priority, defer="defer"))
            bodies.clear()

    for script in scripts:
        if not script.filename:
            bodies.append(script.attributes.get("body", ""))
            last_priority = script.priority
            continue
        flush(script.priority)
        attributes = {k: v for k, v in script.attributes.items() if k != "body"}
        if "async" not in attributes:
            attributes["defer"] = "defer"
        result.append(_JavaScript(script.filename, priority=script.priority, **attributes))
    if bodies:
        flush(last_priority)
    return result


def apply_policy(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """Runs after the other extensions' handlers (priority 900), once the page's scripts are
    all known."""
    outdir = Path(app.outdir)

    def write(relative: str, text: str) -> None:
        write_if_changed(outdir / relative, text.encode())

    scripts = sorted(context.get("script_files", []), key=lambda js: js.priority)
    context["script_files"] = inline_scripts_as_files(scripts, write)
    context["metatags"] = META + "\n" + context.get("metatags", "")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", apply_policy, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
