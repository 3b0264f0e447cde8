"""Sphinx extension: the ePub's equations drawn in one LaTeX run, before its pages are written.

``sphinx.ext.imgmath`` draws each equation with a ``latex`` and a ``dvisvgm`` run of its own,
about 0.22 s each: 100 s for the 440 equations of an edition. Once the pages are read, this
draws every equation they show in one run of each (about a second), each into the file that
imgmath looks for before it draws anything: named by the SHA-1 of the LaTeX document imgmath
would write for it. imgmath then only finds them. An equation this missed (if imgmath ever
names or wraps them differently) imgmath still draws, and the build warns that it had to
(an error under ``-W``): the ePub is right either way, only slow.

Workaround until imgmath draws equations in batches itself
(https://github.com/sphinx-doc/sphinx/pull/14535, open: ``imgmath_batch_size``); canary:
tests/test_workarounds.py::test_imgmath_still_draws_each_equation_alone.

Each image is the page of the one document that holds its equation, cut to what is drawn: the
same picture as imgmath's. Two things dvisvgm numbers across a document are numbered as in a
document of one equation (the page, ``page1``; the fonts, in the order the image uses them), and
the glyphs it defines, in a varying order, are sorted: an image's bytes depend on its equation
alone, not on which others were drawn with it or on the run.
"""

import re
import subprocess
import tempfile
from hashlib import sha1
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext import imgmath
from sphinx.util import logging
from sphinx.util.math import wrap_displaymath

from book_build.languages.parallel import in_english

logger = logging.getLogger(__name__)

BEGIN, END = r"\begin{document}", r"\end{document}"
PAGE = re.compile(r"<g id='page\d+'>")
FONT = re.compile(r"(?<=id='g)\d+(?=-)|(?<=#g)\d+(?=-)")  # 'g3-48': glyph 48 of font 3
GLYPHS = re.compile(r"(?<=<defs>\n)(.*?)(?=</defs>)", re.S)  # one definition a line


def math_folder(app: Sphinx) -> Path:
    return Path(app.builder.outdir) / app.builder.imagedir / "math"  # where imgmath looks


def drawn_by_imgmath(app: Sphinx) -> bool:
    config = app.config
    return (
        getattr(app.builder, "math_renderer_name", None) == "imgmath"
        and config.imgmath_image_format == "svg"
        and not config.imgmath_use_preview  # which would need each image's depth
    )


def documents(app: Sphinx) -> dict[str, str]:
    """``{file name: LaTeX document}`` of each equation the pages show, as imgmath writes them
    (``html_visit_math``, ``html_visit_displaymath``). A block's English is not shown."""
    found = {}
    for docname in sorted(app.env.all_docs):
        doctree = app.env.get_doctree(docname)
        for node in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))):
            if in_english(node):
                continue
            text = node.astext()
            if isinstance(node, nodes.math):
                math = f"${text}$"
            elif node.get("no-wrap", node.get("nowrap", False)):
                math = text
            else:
                math = wrap_displaymath(text, None, False)
            latex = imgmath.generate_latex_macro("svg", math, app.config, app.confdir)
            found[f"{sha1(latex.encode()).hexdigest()}.svg"] = latex
    return found


def as_if_alone(svg: str) -> str:
    """A page of dvisvgm's SVG as the only page of its document would be, glyphs sorted."""
    svg = PAGE.sub("<g id='page1'>", svg)
    body = svg.index("<g id='page1'>")
    order: dict[str, str] = {}
    for font in FONT.findall(svg, body):
        order.setdefault(font, str(len(order)))
    return sorted_glyphs(FONT.sub(lambda m: order[m[0]], svg))


def sorted_glyphs(svg: str) -> str:
    """dvisvgm's glyph definitions in one order (it writes them in a varying one)."""
    return GLYPHS.sub(lambda m: "".join(sorted(m[1].splitlines(True))), svg)


def draw(latex: dict[str, str], folder: Path, config) -> None:
    """Draw the documents ``latex`` (``{file name: document}``, each one equation, all with the
    same preamble) into ``folder`` with one LaTeX run. If LaTeX fails, draw nothing: imgmath
    then draws them one by one and says which equation is wrong."""
    preambles = {document.partition(BEGIN)[0] for document in latex.values()}
    assert len(preambles) == 1, "imgmath's documents differ in more than their equation"
    pages = [document.partition(BEGIN)[2].partition(END)[0] for document in latex.values()]
    with tempfile.TemporaryDirectory(suffix="-equations") as work:
        tex = Path(work) / "math.tex"
        tex.write_text(preambles.pop() + BEGIN + r"\newpage".join(pages) + END, encoding="utf-8")
        commands = [
            [config.imgmath_latex, "--interaction=nonstopmode", *config.imgmath_latex_args,
             tex.name],
            [config.imgmath_dvisvgm, *config.imgmath_dvisvgm_args, "--page=1-",
             "--output=%p.svg", "math.dvi"],
        ]  # fmt: skip
        for command in commands:
            if subprocess.run(command, cwd=work, capture_output=True).returncode:
                return
        images = sorted(Path(work).glob("*.svg"), key=lambda path: int(path.stem))
        assert len(images) == len(latex), f"{len(latex)} equations, {len(images)} pages"
        folder.mkdir(parents=True, exist_ok=True)
        for name, image in zip(latex, images, strict=True):
            svg = as_if_alone(image.read_text(encoding="utf-8"))
            (folder / name).write_text(svg, encoding="utf-8")


def draw_every_equation(app: Sphinx, env) -> None:
    """Before the ePub's pages are written: draw each equation not drawn yet, all at once."""
    if not drawn_by_imgmath(app):
        return
    folder = math_folder(app)
    missing = {name: doc for name, doc in documents(app).items() if not (folder / name).exists()}
    if missing:
        draw(missing, folder, app.config)
    app.builder.equations_before_writing = set(folder.glob("*.svg"))


def check_none_left_to_imgmath(app: Sphinx, exception) -> None:
    """An image imgmath had to draw itself: the documents above differ from imgmath's."""
    before = getattr(app.builder, "equations_before_writing", None)
    if exception or before is None:
        return
    if late := sorted(set(math_folder(app).glob("*.svg")) - before):
        logger.warning(
            "%d equations of the ePub were drawn one by one by sphinx.ext.imgmath, not all at "
            "once (book_build.paper.equations no longer writes imgmath's documents?), e.g. %s",
            len(late),
            late[0].name,
        )
