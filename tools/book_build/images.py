"""Sphinx extension: every image of a page light, sized, and lazy below the first.

- A PNG (every figure a chapter draws) is published as WebP with a palette of 256 colours, as
  pngquant does: a line drawing's few colours and their antialiased edges look the same, in about
  a quarter of the PNG's bytes (all browsers of the last years show WebP).
- With its size in the markup, the browser keeps an image's place before the file arrives, so
  the text does not jump (layout shift).
- The first image of a page may be on the first screen and is loaded at once; the others load
  as the reader scrolls near them.
"""

from pathlib import Path

import imagesize
from docutils import nodes
from PIL import Image
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from book_build.assets import for_website


def webp_copy(png: Path, folder: Path) -> Path:
    """``png`` in 256 colours as lossless WebP in ``folder`` (made again when the PNG is newer)."""
    target = folder / f"{png.stem}.webp"
    if not target.exists() or target.stat().st_mtime_ns < png.stat().st_mtime_ns:
        folder.mkdir(parents=True, exist_ok=True)
        with Image.open(png) as image:
            opaque = image.mode != "RGBA" or image.getextrema()[3][0] == 255
            image = image.convert("RGB" if opaque else "RGBA")
            method = Image.Quantize.MEDIANCUT if opaque else Image.Quantize.FASTOCTREE
            palette = image.quantize(256, method=method, dither=Image.Dither.NONE)
            palette.save(target, "WEBP", lossless=True, exact=True)
    return target


def size_and_load_lazily(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not for_website(app):
        return
    for index, image in enumerate(doctree.findall(nodes.image)):
        path = Path(app.srcdir, image["uri"])
        sized = "width" in image or "height" in image or "scale" in image
        if not sized and path.is_file():
            width, height = imagesize.get(path)
            if width > 0 and height > 0:
                image["width"], image["height"] = str(width), str(height)
        if index > 0:
            image.setdefault("loading", "lazy")
        if path.suffix.lower() == ".png" and path.is_file():
            webp = webp_copy(path, Path(app.outdir) / "_images")
            image["uri"] = relative_uri(app.builder.get_target_uri(docname), f"_images/{webp.name}")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", size_and_load_lazily)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
