"""Sphinx extension: a page loads its stylesheets as one file and its scripts as a few.

On a phone each request costs a round trip (150 ms on Lighthouse's slow 4G), and a page linked
twelve stylesheets and twelve scripts; the theme's ``theme.css`` even imports ``basic.css``, a
second round trip before the first paint. Measured with Lighthouse on this book, joining them
brought the largest contentful paint down by 0.2–0.6 s. No maintained extension does this for
Sphinx, hence this one.

- The stylesheets of the head, the theme's own first, become one file: ``@import``\\ s are put in
  place and relative ``url()``\\ s rewritten for the file's folder.
- Each run of consecutive deferred scripts becomes one file. A script that belongs to one page
  (its settings, an explorer's data, the search index) ends a run, so that the files stay shared
  by the pages that have the same runs, and cached once.

A bundle is named by its content (``_static/bundles/<crc32>.css``): a new version has a new
name, so a browser never keeps an old one. Each part starts with a comment naming its file.
"""

import posixpath
import re
from pathlib import Path

from pydata_sphinx_theme.pygments import overwrite_pygments_css
from sphinx.application import Sphinx
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

from book_build.web.assets import checksum, for_website, write_if_changed

FOLDER = "_static/bundles"
# What pydata-sphinx-theme's head_pre_assets() and body_post() link (book/_templates/layout.html
# leaves them out of the page and they are bundled here instead).
THEME_STYLESHEETS = ("_static/styles/theme.css", "_static/styles/pydata-sphinx-theme.css")
THEME_SCRIPTS = ("_static/scripts/bootstrap.js", "_static/scripts/pydata-sphinx-theme.js")
# Scripts of one page only: each ends a run.
PAGE_SCRIPTS = re.compile(r"_static/(inline|explorers)/|^(?!_static/)")

IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']([^"']+)["']\s*\)?\s*;""")
URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
SOURCE_MAP = re.compile(r"^\s*(/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*)\s*$", re.M)


def stylesheet(outdir: Path, name: str, into: str) -> str:
    """The stylesheet ``name`` (relative to ``outdir``) as it reads from folder ``into``."""
    folder = posixpath.dirname(name)
    text = SOURCE_MAP.sub("", (outdir / name).read_text(encoding="utf-8"))

    def rebased(found: re.Match) -> str:
        url = found[2]
        if re.match(r"[a-z][a-z0-9+.-]*:|/|#", url, re.I):  # data:, http:, absolute, fragment
            return found[0]
        target = posixpath.normpath(posixpath.join(folder, url))
        return f'url("{posixpath.relpath(target, into)}")'

    pieces = IMPORT.split(text)  # the text around each @import, and what each imports
    return "".join(
        stylesheet(outdir, posixpath.normpath(posixpath.join(folder, piece)), into)
        if i % 2
        else URL.sub(rebased, piece)
        for i, piece in enumerate(pieces)
    )


def script(outdir: Path, name: str) -> str:
    return SOURCE_MAP.sub("", (outdir / name).read_text(encoding="utf-8"))


def write_bundle(outdir: Path, parts: dict[str, str], suffix: str) -> str:
    """``parts`` (file name: text) as one file, named by its content; its name below outdir."""
    # A leading ";" keeps a first file's "use strict" from applying to the files after it.
    lead = ";\n" if suffix == ".js" else ""
    text = lead + "".join(f"/* {name} */\n{body}\n" for name, body in parts.items())
    name = f"{FOLDER}/{checksum(text.encode())}{suffix}"
    write_if_changed(outdir / name, text.encode())
    return name


def plain(asset, *keep: str) -> bool:
    """Whether an asset carries no attribute that a bundle would lose (a module, media, ...)."""
    kind = asset.attributes.get("type", "text/css")
    plain_kind = kind in ("text/css", "text/javascript")
    return plain_kind and set(asset.attributes) <= {"rel", "type", *keep}


def bundle_styles(outdir: Path, sheets: list) -> list:
    names = [*THEME_STYLESHEETS]
    rest = []
    for sheet in sorted(sheets, key=lambda sheet: sheet.priority):  # the book's own book.css last
        name = str(sheet.filename)
        if name.startswith("_static/") and plain(sheet) and sheet.attributes["rel"] == "stylesheet":
            names.append(name)
        else:
            rest.append(sheet)
    parts = {name: stylesheet(outdir, name, FOLDER) for name in names}
    return [_CascadingStyleSheet(write_bundle(outdir, parts, ".css")), *rest]


def bundle_scripts(outdir: Path, scripts: list) -> list:
    scripts = [*scripts, *(_JavaScript(name, defer="defer") for name in THEME_SCRIPTS)]
    out, run = [], []

    def end_run() -> None:
        if len(run) > 1:
            parts = {str(js.filename): script(outdir, str(js.filename)) for js in run}
            out.append(_JavaScript(write_bundle(outdir, parts, ".js"), defer="defer"))
        else:
            out.extend(run)
        run.clear()

    for js in scripts:
        name = str(js.filename or "")
        if name and not PAGE_SCRIPTS.search(name) and plain(js, "defer"):
            run.append(js)
        else:
            end_run()
            out.append(js)
    end_run()
    return out


def bundle_page(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """After book_build.web.policy (900), which made every script a deferred file."""
    if not for_website(app):
        return
    outdir = Path(app.outdir)
    if not getattr(app.builder, "book_final_pygments", False):
        # Workaround: the theme writes its light-and-dark pygments.css when the build finishes,
        # after the pages; the bundles need it now (tests/test_workarounds.py says when it goes).
        overwrite_pygments_css(app)
        app.builder.book_final_pygments = True
    context["css_files"] = bundle_styles(outdir, context.get("css_files", []))
    context["script_files"] = bundle_scripts(outdir, context.get("script_files", []))


def drop_unused(app: Sphinx, exception) -> None:
    """Bundles no page links any more (an older version's), with their compressed copies."""
    folder = Path(app.outdir, FOLDER)
    if exception or not for_website(app) or not folder.is_dir():
        return
    pages = "".join(p.read_text(encoding="utf-8") for p in Path(app.outdir).rglob("*.html"))
    for path in folder.iterdir():
        if path.name.split(".")[0] not in pages:
            path.unlink()


PART = re.compile(r"^/\* (_static/\S+) \*/$", re.M)
LINK = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="([^"?#]+)[^"]*"[^>]*>')


def page_assets(page: Path) -> dict[str, str]:
    """The stylesheets and scripts a built page loads, by their file names, bundles opened
    (what tests and a curious reader ask: does this page load explorer.js, and which version?)."""
    assets = {}
    for url in LINK.findall(page.read_text(encoding="utf-8")):
        path = page.parent / url
        if not (path.suffix in (".css", ".js") and path.is_file()):
            continue
        text = path.read_text(encoding="utf-8")
        if url.startswith(FOLDER + "/"):
            split = PART.split(text)  # [lead, name, "\n" + text + "\n", name, ...]
            assets.update(zip(split[1::2], (body[1:-1] for body in split[2::2]), strict=True))
        else:
            assets[url] = text
    return assets
