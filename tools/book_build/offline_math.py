"""Sphinx extension: MathJax served from the site itself, so math renders offline.

The files come from the sphinx-mathjax-offline package (MathJax 3), which would copy all of
MathJax (about 30 MB per edition). Only the component the pages load, ``tex-chtml.js``, and the
parts it loads on demand (TeX extensions, fonts, menu, accessibility) are copied here.
"""

import importlib.util
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset

COMPONENT = "tex-chtml.js"
ON_DEMAND = ["input/tex/extensions", "output/chtml", "ui", "a11y", "sre", "adaptors"]


def mathjax_files() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    return Path(spec.origin).parent / "static" / "mathjax"


def copy_mathjax(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    source, target = mathjax_files(), Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    copy_asset(source / COMPONENT, target)
    for part in ON_DEMAND:
        copy_asset(source / part, target / part)


def setup(app: Sphinx) -> dict:
    app.config.mathjax_path = f"mathjax/{COMPONENT}"
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
