"""Sphinx extension: every image of a page light, sized, and lazy below the first.

- A PNG (every figure a chapter draws) is published as WebP with a palette of 256 colours, as
  pngquant does: a line drawing's few colours and their antialiased edges look the same, in about
  a quarter of the PNG's bytes (all browsers of the last years show WebP).
- With its size in the markup, the browser keeps an image's place before the file arrives, so
  the text does not jump (layout shift).
- The first image of a page may be on the first screen and is loaded at once; the others load
  as the reader scrolls near them.
"""

import inspect
import zlib
from pathlib import Path

import imagesize
import PIL
from docutils import nodes
from PIL import Image
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from book_build.web.assets import for_website


def webp_copy(png: Path, folder: Path) -> Path:
    """``png`` in 256 colours as lossless WebP in ``folder``, made again when the PNG is newer or
    the recipe changed (its name carries the recipe's checksum, so no stale copy is published)."""
    target = folder / f"{png.stem}.{RECIPE}.webp"
    if not target.exists() or target.stat().st_mtime_ns < png.stat().st_mtime_ns:
        for stale in folder.glob(f"{png.stem}*.webp"):  # this recipe's or an older one
            stale.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        palette_webp(png, target)
    return target


def palette_webp(png: Path, target: Path) -> None:
    with Image.open(png) as image:
        opaque = image.mode != "RGBA" or image.getextrema()[3][0] == 255
        image = image.convert("RGB" if opaque else "RGBA")
        method = Image.Quantize.MEDIANCUT if opaque else Image.Quantize.FASTOCTREE
        palette = image.quantize(256, method=method, dither=Image.Dither.NONE)
        palette.save(target, "WEBP", lossless=True, exact=True)


RECIPE = f"{zlib.crc32((inspect.getsource(palette_webp) + PIL.__version__).encode()):08x}"


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


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    # A config value of category "html": when the recipe changes, Sphinx writes every page again.
    app.add_config_value("book_images_recipe", RECIPE, "html")
