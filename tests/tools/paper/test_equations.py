"""The ePub's equations drawn all at once (book_build.paper.equations) on a one-page book: the
images are imgmath's, imgmath draws none itself, and when it has to, the build says so."""

import re
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main
from sphinx.ext import imgmath

from book_build.paper import equations
from book_build.paper.equations import sorted_glyphs

pytestmark = pytest.mark.pdf  # TeX Live's latex and dvisvgm

CONF = """
extensions = ["sphinx.ext.imgmath"]
root_doc = "page"
imgmath_image_format = "svg"
epub_math_renderer = "imgmath"
version = epub_copyright = epub_author = epub_publisher = "1"


def setup(app):  # the equations alone, as the book's pipeline runs them
    from book_build import pipeline
    from book_build.paper import equations

    pipeline.connect(app, [equations])
"""

PAGE = r"""Page
====

Inline :math:`w - \eta L'(w)` and :math:`\sum_{i=1}^n x_i^2`, then a display:

.. math::

   L(w) = \frac{1}{n} \sum_i (w x_i - y_i)^2

and one that is not wrapped:

.. math::
   :nowrap:

   \begin{align*} a &= b \\ c &= d \end{align*}
"""


def build(tmp_path: Path) -> tuple[int, Path, str]:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF)
    (src / "page.rst").write_text(PAGE)
    out, warnings = tmp_path / "epub", tmp_path / "warnings.txt"
    doctrees = tmp_path / "doctrees"
    command = ["-b", "epub", "-q", "-W", "-w", warnings, "-d", doctrees, src, out]
    status = build_main([str(arg) for arg in command])
    return status, out, warnings.read_text()


def test_the_epub_shows_imgmath_s_own_images_all_drawn_at_once(tmp_path, monkeypatch):
    batches, latex_runs = [], []
    draw, compile_math = equations.draw, imgmath.compile_math
    monkeypatch.setattr(equations, "draw", lambda *args: batches.append(args) or draw(*args))
    monkeypatch.setattr(
        imgmath, "compile_math", lambda *a, **k: latex_runs.append(a) or compile_math(*a, **k)
    )
    status, out, warnings = build(tmp_path)
    assert status == 0, warnings
    assert len(batches) == 1 and latex_runs == []  # one batch; imgmath found each image drawn
    documents, folder, config = batches[0]
    shown = re.findall(r'src="_images/math/(\w+\.svg)"', (out / "page.xhtml").read_text())
    assert len(shown) == 4 and sorted(set(shown)) == sorted(documents)
    assert sorted(documents) == sorted(path.name for path in folder.iterdir())

    # Each is the image imgmath draws from that document alone, but for the numbers of its
    # fonts, and the same whichever equations were drawn with it.
    for name, latex in documents.items():
        alone = tmp_path / "alone" / name
        alone.parent.mkdir(exist_ok=True)
        imgmath.convert_dvi_to_svg(compile_math(latex, config=config), alone, config=config)
        drawn = (folder / name).read_text()
        assert sorted_glyphs(drawn) == sorted_glyphs(equations.as_if_alone(alone.read_text()))
        draw({name: latex}, tmp_path / "one", config)
        assert sorted_glyphs((tmp_path / "one" / name).read_text()) == sorted_glyphs(drawn)


def test_an_equation_left_to_imgmath_fails_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(equations, "documents", lambda app: {})  # as if none were found
    status, out, warnings = build(tmp_path)
    assert status != 0
    assert "4 equations of the ePub were drawn one by one by sphinx.ext.imgmath" in warnings
    assert len(list((out / "_images" / "math").iterdir())) == 4  # the ePub is right, if slow
