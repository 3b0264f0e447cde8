"""An explorer on paper and on an e-reader: a still of its first state.

An explorer (``descent.outputs.ExplorerData``) is sliders over SVG panels that the page's script
redraws. A PDF has no script and an ePub reader runs none, so for those builders the panels as
the page first shows them, the sentence that says that state and the key of the lines become
one picture, drawn by librsvg (``rsvg-convert``), in the colours the web page shows without its
script.
"""

import functools
import hashlib
import html
import re
import shutil
import subprocess
import textwrap

from docutils import nodes

from book_build import project
from descent.outputs import ExplorerData

VARIABLE = re.compile(r"var\(--[\w-]+, ([^)]+)\)")
SCALE = 2  # pixels per SVG unit: about 300 dpi across the width of an A4 page
GAP, LINE = 12, 16  # SVG units between panels, and per line of text under them
CHARACTER = 6.5  # SVG units: the mean width of a character of the 11-unit text, for wrapping
FULL_WIDTH = 660  # SVG units that fill the width of the page (two panels); fewer, narrower


@functools.cache  # one stylesheet for every still of the build
def print_style() -> str:
    """explorer.css for a lone SVG: each colour its light fallback, no page around it."""
    css = (project.BOOK / "_static" / "explorer.css").read_text(encoding="utf-8")
    css = VARIABLE.sub(r"\1", css).replace(".explorer ", "")
    return css + "svg { color: #222832; font-family: 'DejaVu Sans', sans-serif; font-size: 11px; }"


def still_svg(widget: ExplorerData) -> tuple[str, str, float]:
    """The explorer's first state as one SVG document, its alternative text, and the share of
    the text width it takes (a single panel is not drawn twice as large as two)."""
    panels = widget["panels"]
    width = sum(p["width"] for p in panels) + GAP * (len(panels) - 1)
    height = max(p["height"] for p in panels)
    parts, x = [], 0
    for p in panels:
        w, h = p["width"], p["height"]
        place = f'x="{x}" y="0" width="{w}" height="{h}" viewBox="0 0 {w} {h}"'
        parts.append(f"<svg {place}>{p['drawing']}</svg>")
        x += w + GAP
    columns = max(40, int(width / CHARACTER))  # the sentence wraps within the panels' width
    lines = [(None, line) for line in textwrap.wrap(widget["summary"].strip(), columns)]
    lines += [(css, text.strip()) for css, text in widget["legend"]]
    for row, (css, text) in enumerate(lines, start=1):
        y = height + row * LINE
        sample = f'<line class="{css}" x1="0" y1="{y - 4}" x2="24" y2="{y - 4}"/>' if css else ""
        parts.append(f'{sample}<text x="{32 if css else 0}" y="{y}">{html.escape(text)}</text>')
    height += len(lines) * LINE + 6
    document = (  # a white margin of GAP / 2 around everything
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + GAP}" height="{height + GAP}" '
        f'viewBox="{-GAP / 2} {-GAP / 2} {width + GAP} {height + GAP}">'
        f'<style>{print_style()}</style><rect x="{-GAP / 2}" y="{-GAP / 2}" width="100%" '
        f'height="100%" fill="#fff"/>{"".join(parts)}</svg>'
    )
    alt = " ".join(p["label"] for p in panels)
    return document, alt, min(1.0, (width + GAP) / FULL_WIDTH)


def still_png(document: str) -> bytes:
    """``document`` drawn by librsvg as PNG (the same bytes for the same SVG)."""
    if shutil.which("rsvg-convert") is None:
        raise RuntimeError("rsvg-convert not found: install librsvg2-bin (see .ci/run)")
    result = subprocess.run(
        ["rsvg-convert", "--zoom", str(SCALE), "--format", "png"],
        input=document.encode(), capture_output=True, check=True,
    )  # fmt: skip
    return result.stdout


def still_figure(renderer, widget: ExplorerData) -> list[nodes.Element]:
    """The still as an image (the figure's caption stays the page's); ``renderer`` is myst-nb's,
    which writes it."""
    document, alt, share = still_svg(widget)
    png = still_png(document)
    uri = renderer.write_file([hashlib.sha256(png).hexdigest() + ".png"], png, exists_ok=True)
    return [nodes.image(uri=uri, alt=alt, width=f"{round(100 * share)}%")]
