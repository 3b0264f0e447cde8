"""Sphinx extension: the theme's few icons from a 2 KB font instead of Font Awesome's 1.5 MB script.

pydata-sphinx-theme writes its icons as ``<i class="fa-solid fa-bars">`` and loads
``fontawesome.js``, which swaps each for an SVG. Its stylesheet can draw them without the script
(``.fa-solid::before { content: var(--fa) }`` in the family "Font Awesome 7 Free"), given each
icon's character and the font. So this extension writes ``icons.css``: the character of each icon
the pages use, and a family of its own (the theme's ``--fa-family`` setting) in a subset of the
theme's ``fa-solid-900`` with only those icons, so the full font is never fetched. The script
itself is left out by ``book/_templates/layout.html``.
"""

import re
from importlib.resources import files
from pathlib import Path

from sphinx.application import Sphinx

from book_build.web.assets import checksum, font_subset, for_website, write_if_changed

THEME_STATIC = files("pydata_sphinx_theme") / "theme/pydata_sphinx_theme/static"
FONT_SOURCE = THEME_STATIC / "vendor/fontawesome/webfonts/fa-solid-900.woff2"
THEME_CSS = THEME_STATIC / "styles/pydata-sphinx-theme.css"
FONT_FILE = "icons.woff2"
CSS_FILE = "icons.css"

# The icons the theme's templates and scripts show as <i class="fa-solid fa-…">, and their
# characters; the icons of its stylesheet (admonitions, links) are read from it (css_icons).
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


def css_icons(css: str) -> set[int]:
    """The characters of the icons the theme's stylesheet draws itself (``--pst-icon-note: "…"``,
    an admonition's or an external link's icon)."""
    return {ord(char) for char in re.findall(r'--pst-icon-[a-z-]+:\s*"(.)"', css)}


def stylesheet(font_checksum: str) -> str:
    face = (
        '@font-face { font-family: "Book Icons"; font-style: normal; font-weight: 900; '
        f'font-display: block; src: url("{FONT_FILE}?v={font_checksum}") format("woff2"); }}\n'
        ':root { --fa-family-classic: "Book Icons"; }\n'  # the theme's stylesheet icons
        '.fa-solid { --fa-family: "Book Icons"; }\n'  # <i class="fa-solid ...">
    )
    return face + "".join(f'.fa-{name} {{ --fa: "\\{code:x}"; }}\n' for name, code in ICONS.items())


def write_icons(app: Sphinx, env) -> None:
    """Before any page is written (so the stylesheet's link gets its checksum)."""
    if not for_website(app):
        return
    static = Path(app.outdir) / "_static"
    characters = set(ICONS.values()) | css_icons(THEME_CSS.read_text(encoding="utf-8"))
    font = font_subset(FONT_SOURCE, characters, layout_features=[])
    write_if_changed(static / FONT_FILE, font)
    write_if_changed(static / CSS_FILE, stylesheet(checksum(font)).encode())


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    app.add_css_file(CSS_FILE)
