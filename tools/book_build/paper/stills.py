"""An explorer on paper and on an e-reader: a still of its first state.

An explorer (``descent.explorer_html``) is a ``text/html`` output: sliders over SVG panels that
its script redraws. A PDF has no script and an ePub reader runs none, so for those builders the
panels as the page first shows them, the sentence that says that state and the key of the lines
become one picture, drawn by librsvg (``rsvg-convert``), in the colours the web page shows
without its script.
"""

import functools
import html
import re
import shutil
import subprocess
import textwrap

from book_build import project

PANEL = re.compile(
    r'<svg viewBox="0 0 (\d+) (\d+)" role="img" aria-label="([^"]*)">(.*?)</svg>', re.S
)
SUMMARY = re.compile(r'<p class="explorer-summary"[^>]*>(.*?)</p>', re.S)
LEGEND_ITEM = re.compile(r'<li><svg [^>]*><line class="([^"]+)"[^>]*/></svg>(.*?)</li>', re.S)
VARIABLE = re.compile(r"var\(--[\w-]+, ([^)]+)\)")
SCALE = 2  # pixels per SVG unit: about 300 dpi across the width of an A4 page
GAP, LINE = 12, 16  # SVG units between panels, and per line of text under them
CHARACTER = 6.5  # SVG units: the mean width of a character of the 11-unit text, for wrapping
FULL_WIDTH = 660  # SVG units that fill the width of the page (two panels); fewer, narrower


def is_explorer(markup: str) -> bool:
    return "data-explorer=" in markup and PANEL.search(markup) is not None


@functools.cache  # one stylesheet for every still of the build
def print_style() -> str:
    """explorer.css for a lone SVG: each colour its light fallback, no page around it."""
    css = (project.BOOK / "_static" / "explorer.css").read_text(encoding="utf-8")
    css = VARIABLE.sub(r"\1", css).replace(".explorer ", "")
    return css + "svg { color: #222832; font-family: 'DejaVu Sans', sans-serif; font-size: 11px; }"


def still_svg(markup: str) -> tuple[str, str, float]:
    """The explorer's first state as one SVG document, its alternative text, and the share of
    the text width it takes (a single panel is not drawn twice as large as two)."""
    panels = PANEL.findall(markup)
    width = sum(int(w) for w, *_ in panels) + GAP * (len(panels) - 1)
    height = max(int(h) for _, h, *_ in panels)
    parts, x = [], 0
    for w, h, _label, body in panels:
        place = f'x="{x}" y="0" width="{w}" height="{h}" viewBox="0 0 {w} {h}"'
        parts.append(f"<svg {place}>{body}</svg>")
        x += int(w) + GAP
    columns = max(40, int(width / CHARACTER))  # the sentence wraps within the panels' width
    lines = [
        (None, line)
        for m in SUMMARY.finditer(markup)
        for line in textwrap.wrap(html.unescape(m[1]).strip(), columns)
    ]
    lines += [(css, html.unescape(text).strip()) for css, text in LEGEND_ITEM.findall(markup)]
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
    alt = " ".join(html.unescape(label) for _w, _h, label, _b in panels)
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
