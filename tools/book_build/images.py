"""Sphinx extension: every image of a page with its width and height, lazy below the first.

With its size in the markup, the browser keeps an image's place before the file arrives, so the
text does not jump (layout shift). The first image of a page may be on the first screen and is
loaded at once; the others load as the reader scrolls near them.
"""

from pathlib import Path

import imagesize
from docutils import nodes
from sphinx.application import Sphinx


def size_and_load_lazily(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
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


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", size_and_load_lazily)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
