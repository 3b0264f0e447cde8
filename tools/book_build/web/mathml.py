"""Sphinx extension: equations become MathML when the book is built, so no page runs a math engine.

Browsers draw MathML themselves (Chromium, Firefox, Safari), screen readers read it, and it takes
the text colour, so dark mode needs nothing. LaTeX is converted by math-core, which writes MathML
Core, the part of MathML that browsers implement (latex2mathml turned ``aligned`` into invalid
markup). Two adjustments for the site:

- math-core aligns table cells with ``style`` attributes, which the pages' Content-Security-Policy
  forbids; each declaration becomes a class whose rule is in ``math.css``.
- An edition that writes a decimal comma gets it in its equations too, in every output (the
  catalogs keep the source's ``0.5``, so no translator has to remember it): see ``DecimalComma``.
- The equations are set in STIX Two Math (SIL Open Font License, shipped by the ziamath package),
  cut down when the edition is built to the characters its equations use: a few kilobytes instead
  of 1.5 MB, and the same look on every device, whatever math font the reader has.
"""

import re
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from babel.numbers import get_decimal_symbol
from docutils import nodes
from math_core import LatexError, LatexToMathML
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from book_build.languages.parallel import in_english
from book_build.web.assets import checksum, font_subset, for_website, write_if_changed

logger = logging.getLogger(__name__)

# Found without importing ziamath (a renderer of its own, which this build does not use).
FONT_SOURCE = Path(find_spec("ziamath").origin).parent / "fonts" / "STIXTwoMath-Regular.ttf"
FONT_FILE = "math.woff2"  # in the edition's _static, next to math.css
CSS_FILE = "math.css"

# The properties math-core sets in style attributes (table cell alignment, spacing, array rules).
STYLE_PROPERTIES = {
    "text-align", "justify-items", "width",
    "padding-left", "padding-right", "padding-top", "padding-bottom",
    "border-left", "border-right", "border-top", "border-bottom",
}  # fmt: skip
SAFE_VALUE = re.compile(r"[-a-z0-9.% ]+")
PAGE_CSS = """\
/* STIX Two has a small x-height beside the theme's sans-serif text: larger, as MathJax does. */
math { font-family: "Book Math", math; font-size: 1.15em; }
/* The theme lays out div.math as a row (the equation, then its number) and expects MathJax's
   container in it; the equation takes that place. A wide one scrolls on its own on a phone. */
div.math { overflow: auto hidden; margin: 0.8em 0; padding: 0.2em 0; }
div.math > math { flex-grow: 1; }
span.math { overflow: visible; }  /* the theme clips it, which would cut a tall fraction */
"""

STYLE = re.compile(r' style="([^"]*)"')
DECIMAL = re.compile(r"(?<![\w.\\])(\d+)\.(\d+)")  # 0.5, not \dots or a version 1.2.3
SEPARATOR = re.compile(r"(?<!\\), ")  # a list's comma, typed with a space (not \, or w_{i,j})
SPLIT_DECIMAL = re.compile(r'<mn>(\d+)</mn><mo rspace="0">,</mo><mn>(\d+)</mn>')


def with_decimal_comma(latex: str) -> str:
    """``latex`` as an edition with a decimal comma writes it: ``0{,}5`` (TeX's comma without
    the space after a punctuation mark), and, where that makes a comma ambiguous, a semicolon
    between the items of a list or pair: ``(1.5, 1)`` becomes ``(1{,}5; 1)``."""
    if not DECIMAL.search(latex):
        return latex
    return DECIMAL.sub(r"\1{,}\2", SEPARATOR.sub("; ", latex))


class DecimalComma(SphinxTransform):
    """After translation, the equations of an edition whose numbers take a decimal comma."""

    def apply(self) -> None:
        if get_decimal_symbol(self.config.language or "en") != ",":
            return
        for node in [*self.document.findall(nodes.math), *self.document.findall(nodes.math_block)]:
            if in_english(node):
                continue  # a block's English keeps the source's numbers
            for text in list(node.findall(nodes.Text)):
                text.parent.replace(text, nodes.Text(with_decimal_comma(str(text))))


class UnknownStyle(ValueError):
    pass


def style_class(declaration: str) -> str:
    """The class standing for one declaration: ``padding-right: 0.1667em`` ->
    ``math-padding-right-0-1667em``."""
    return "math-" + re.sub(r"[^a-z0-9]+", "-", declaration).strip("-")


def without_styles(mathml: str) -> tuple[str, frozenset[str]]:
    """``mathml`` with each ``style`` attribute turned into classes, one per declaration, and
    the declarations (``"padding-left: 0"``) whose rules the stylesheet must hold."""
    used = set()

    def replace(match: re.Match) -> str:
        classes = []
        for declaration in filter(str.strip, match[1].split(";")):
            prop, _, value = (part.strip() for part in declaration.partition(":"))
            if prop not in STYLE_PROPERTIES or not SAFE_VALUE.fullmatch(value):
                raise UnknownStyle(f"math-core wrote the style {declaration!r}; see mathml.py")
            used.add(f"{prop}: {value}")
            classes.append(style_class(f"{prop}: {value}"))
        return f' class="{" ".join(dict.fromkeys(classes))}"'

    return STYLE.sub(replace, mathml), frozenset(used)


@cache
def converter() -> LatexToMathML:
    return LatexToMathML(fancy_error=False)


@cache
def to_mathml(latex: str, display: bool) -> tuple[str, frozenset[str]]:
    """MathML for one formula (display or inline) and the style declarations its classes stand
    for; raises LatexError or UnknownStyle."""
    if display:
        # amsmath's split (the body of one equation) is aligned; math-core knows it as aligned.
        latex = latex.replace(r"\begin{split}", r"\begin{aligned}")
        latex = latex.replace(r"\end{split}", r"\end{aligned}")
    mathml = converter().convert_with_local_state(latex, displaystyle=display)
    return without_styles(SPLIT_DECIMAL.sub(r"<mn>\1,\2</mn>", mathml))  # 0{,}5: one number


def display_latex(node: nodes.math_block) -> str:
    """The LaTeX of a display block: several equations (blank-line separated) are aligned."""
    if node.get("no-wrap", node.get("nowrap", False)):
        return node.astext()
    parts = [part.strip() for part in node.astext().split("\n\n") if part.strip()]
    if len(parts) == 1 and r"\\" not in parts[0]:
        return parts[0]
    return r"\begin{aligned}" + r" \\ ".join(parts) + r"\end{aligned}"


def render(translator, node: nodes.Element, latex: str, display: bool) -> str | None:
    try:
        return to_mathml(latex, display)[0]
    except (LatexError, UnknownStyle) as error:
        logger.warning(f"cannot render this equation: {error}\n{latex}", location=node)
        return None


def visit_math(self, node: nodes.math) -> None:
    mathml = render(self, node, node.astext(), display=False)
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(mathml if mathml else self.encode(node.astext()))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_math_block(self, node: nodes.math_block) -> None:
    mathml = render(self, node, display_latex(node), display=True)
    # Focusable, as MathJax's equations were: on a phone a wide one scrolls, and a keyboard
    # must be able to scroll it too.
    self.body.append(self.starttag(node, "div", CLASS="math notranslate", tabindex="0"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(mathml if mathml else self.encode(node.astext()))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def math_characters(mathml: str) -> set[str]:
    """The characters a browser draws for ``mathml``, including the italic forms it substitutes
    for one-letter identifiers (MathML's automatic italic uses the Mathematical Italic letters)."""
    text = re.sub(r"<[^>]+>", " ", mathml.replace("&lt;", "<").replace("&gt;", ">"))
    text = text.replace("&amp;", "&").replace("&ApplyFunction;", "\u2061")
    chars = set(text)
    for letter in re.findall(r"<mi>(.)</mi>", mathml):
        chars.add(italic(letter))
    return chars


def italic(letter: str) -> str:
    """The Mathematical Italic form of a Latin or Greek letter (Unicode's block and its holes)."""
    holes = {"h": "\u210e"}
    if letter in holes:
        return holes[letter]
    if "A" <= letter <= "Z":
        return chr(0x1D434 + ord(letter) - ord("A"))
    if "a" <= letter <= "z":
        return chr(0x1D44E + ord(letter) - ord("a"))
    if "\u0391" <= letter <= "\u03a9":
        return chr(0x1D6E2 + ord(letter) - 0x391)
    if "\u03b1" <= letter <= "\u03c9":
        return chr(0x1D6FC + ord(letter) - 0x3B1)
    return letter


def stylesheet(font_checksum: str, declarations: set[str]) -> str:
    """math.css: the font (its URL changes with its content), the page rules, and one rule per
    style declaration that the edition's equations use."""
    rules = "".join(f".{style_class(d)} {{ {d}; }}\n" for d in sorted(declarations))
    return (
        f'@font-face {{ font-family: "Book Math"; src: url("{FONT_FILE}?v={font_checksum}") '
        'format("woff2"); font-display: swap; }\n' + PAGE_CSS + rules
    )


def edition_math(env) -> tuple[set[str], set[str]]:
    """The characters and the style declarations of every equation of the edition."""
    chars: set[str] = set()
    declarations: set[str] = set()
    for docname in sorted(env.found_docs):
        doctree = env.get_doctree(docname)
        formulas = [(n.astext(), False) for n in doctree.findall(nodes.math)]
        formulas += [(display_latex(n), True) for n in doctree.findall(nodes.math_block)]
        for latex, display in formulas:
            try:
                mathml, used = to_mathml(latex, display)
            except (LatexError, UnknownStyle):
                continue  # reported with its location when the page is written
            chars |= math_characters(mathml)
            declarations |= used
    return chars, declarations


def write_math_assets(app: Sphinx, env) -> None:
    """After reading, before any page is written: the font for every equation of this edition,
    and the stylesheet that names it (so Sphinx links that stylesheet with its checksum)."""
    if not for_website(app):
        return
    chars, declarations = edition_math(env)
    static = Path(app.outdir) / "_static"
    font = font_subset(FONT_SOURCE, {ord(c) for c in chars | set(" 0123456789")}, ["*"])
    write_if_changed(static / FONT_FILE, font)
    write_if_changed(static / CSS_FILE, stylesheet(checksum(font), declarations).encode())


def preload_font(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """Pages with equations ask for the font at once, with the stylesheets, so that the text
    does not reflow when it arrives late (layout shift)."""
    if for_website(app) and context.get("has_maths_elements"):
        href = context["pathto"](f"_static/{FONT_FILE}", resource=True)
        version = checksum((Path(app.outdir) / "_static" / FONT_FILE).read_bytes())
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="preload" href="{href}?v={version}" as="font" type="font/woff2" '
            "crossorigin>"
        )


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    app.add_html_math_renderer(
        "mathml",
        inline_renderers=(visit_math, None),
        block_renderers=(visit_math_block, None),
    )
    app.add_css_file(CSS_FILE)
