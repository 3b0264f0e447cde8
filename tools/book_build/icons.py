"""Sphinx extension: the theme's few icons from a 2 KB font instead of Font Awesome's 1.5 MB script.

pydata-sphinx-theme writes its icons as ``<i class="fa-solid fa-bars">`` and loads
``fontawesome.js``, which swaps each for an SVG. Its stylesheet can draw them without the script
(``.fa-solid::before { content: var(--fa) }`` in the family "Font Awesome 7 Free"), given each
icon's character and the font. So this extension writes ``icons.css``: the character of each icon
the pages use, and that family's face replaced by a subset of the theme's own ``fa-solid-900``
with only those icons (the later ``@font-face`` wins, the full font is never fetched). The
script itself is left out by ``book/_templates/layout.html``.
"""

from importlib.resources import files
from pathlib import Path

from sphinx.application import Sphinx

from book_build.assets import checksum, font_subset, write_if_changed

SOLID = files("pydata_sphinx_theme") / "theme/pydata_sphinx_theme/static/vendor/fontawesome"
FONT_SOURCE = SOLID / "webfonts" / "fa-solid-900.woff2"
FONT_FILE = "icons.woff2"
CSS_FILE = "icons.css"

# Every icon the theme's templates and scripts show on these pages, and its Font Awesome character.
ICONS = {
    "magnifying-glass": 0xF002,  # search button
    "bars": 0xF0C9,  # show or hide the chapters
    "list": 0xF03A,  # show or hide the page's contents
    "sun": 0xF185,  # light mode
    "moon": 0xF186,  # dark mode
    "circle-half-stroke": 0xF042,  # mode of the system
    "arrow-up": 0xF062,  # back to top
    "angle-left": 0xF104,  # previous page
    "angle-right": 0xF105,  # next page
    "xmark": 0xF00D,  # close (the theme's banners)
}


def stylesheet(font_checksum: str) -> str:
    faces = (
        '@font-face { font-family: "Font Awesome 7 Free"; font-style: normal; font-weight: 900; '
        f'font-display: block; src: url("{FONT_FILE}?v={font_checksum}") format("woff2"); }}\n'
    )
    return faces + "".join(f'.fa-{name} {{ --fa: "\\{code:x}"; }}\n' for name, code in ICONS.items())


def write_icons(app: Sphinx, env) -> None:
    """Before any page is written (so the stylesheet's link gets its checksum)."""
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    font = font_subset(FONT_SOURCE, set(ICONS.values()), layout_features=[])
    write_if_changed(static / FONT_FILE, font)
    write_if_changed(static / CSS_FILE, stylesheet(checksum(font)).encode())


def setup(app: Sphinx) -> dict:
    app.add_css_file(CSS_FILE)
    app.connect("env-updated", write_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
