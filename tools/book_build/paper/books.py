"""Sphinx extension: each edition as a PDF (LaTeX builder, XeLaTeX) and an ePub, and the links
to them from every page of the HTML edition.

- The PDF and the ePub get the edition's title, language and file name (``project.book_name``)
  and an author line in the edition's language; the PDF's metadata says its language too.
- In the PDF, the home page becomes an unnumbered preface and each page of its table of
  contents a numbered chapter (left alone, Sphinx makes the home page's sections chapters and
  the real chapters sections of the last one, where the table of contents sits).
- The ePub shows equations as SVG images (``sphinx.ext.imgmath``, all drawn at once by
  ``book_build.paper.equations``): an e-reader runs no MathJax, and runs no script at all, so
  its pages load none. Its pages are XHTML: a template must close its empty elements
  (``<meta ... />``); epubcheck, in the tests, says where not.
- An HTML page links to its edition's PDF and ePub only when ``nox -s pdf`` has built both
  (``project.book_files``); the HTML build then copies them beside its pages, so the links,
  relative, work on any host and offline. See ``book_build.commands.pdf`` for the whole build.
"""

import importlib.metadata
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _ as sphinx_translation
from sphinx.locale import get_translation

from book_build import project
from book_build.web import icons, mathml

_ = get_translation(project.BUILD_CATALOG)  # registered by book_build.languages.editions
EPUB_MATH = "imgmath"


def configure_edition(app: Sphinx, config: Config) -> None:
    """The LaTeX and ePub settings of the edition being built (``-D language=xx``)."""
    lang, title = config.language, config.project  # editions.py has set the edition's title
    name = project.book_name(lang)
    author = _("The authors of %(title)s") % {"title": title}
    config.latex_documents = [(config.root_doc, f"{name}.tex", title, author, "manual")]
    tag = project.bcp47(lang)
    config.latex_elements = {
        **config.latex_elements,
        "preamble": config.latex_elements.get("preamble", "") + f"\n\\hypersetup{{pdflang={tag}}}",
    }
    config.epub_basename = name
    config.epub_title = title
    config.epub_author = config.epub_publisher = author
    config.epub_copyright = config.copyright
    # The same identifier on every build of an edition, so that two builds give the same ePub.
    config.epub_identifier = f"{project.book_name(project.source_language())}-{tag}"
    config.epub_uid = config.epub_identifier  # the NCX table of contents repeats it
    config.epub_scheme = ""
    # The website's fonts (MathML equations, the theme's icons): the ePub draws neither.
    website_fonts = [f"_static/{mathml.FONT_FILE}", f"_static/{icons.FONT_FILE}"]
    config.epub_exclude_files = [*config.epub_exclude_files, *website_fonts]
    config.book_downloads = {
        form: path.name for form, path in project.book_files(lang).items() if path.is_file()
    }


def preface_then_chapters(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The PDF's whole book (the home page with its chapters inlined): the home page's content
    as an unnumbered chapter, "Preface", followed by the chapters."""
    if app.builder.name != "latex" or docname != app.config.root_doc:
        return
    home = next(iter(doctree.findall(nodes.section)))  # its title is the book's title
    chapters = [node for node in home.findall(addnodes.start_of_file) if node.parent]
    for chapter in chapters:
        wrapper = chapter.parent
        wrapper.remove(chapter)
        if isinstance(wrapper, nodes.compound) and not wrapper.children:
            wrapper.parent.remove(wrapper)  # the toctree's empty wrapper
    title = _("Preface")
    preface = nodes.section("", nodes.title(title, title), ids=["book-preface"])
    preface.extend(home.children[1:])
    del home.children[1:]
    unnumbered = r"\edef\booksecnumdepth{\arabic{secnumdepth}}\setcounter{secnumdepth}{-1}"
    numbered = r"\setcounter{secnumdepth}{\booksecnumdepth}"
    home += [
        nodes.raw("", unnumbered, format="latex"),
        preface,
        nodes.raw("", numbered, format="latex"),
        *chapters,
    ]


def offer_downloads(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """``book_downloads`` for the templates: the relative URL of the PDF and of the ePub, only
    when both are there to copy."""
    files = app.config.book_downloads
    if app.builder.name == "html" and {"pdf", "epub"} <= set(files):
        context["book_downloads"] = {
            form: context["pathto"](name, resource=True) for form, name in files.items()
        }


def epub_version(app: Sphinx) -> None:
    """An ePub 3 states a version: the book's package's, which nothing else shows."""
    if app.builder.name == "epub" and not app.config.version:
        app.config.version = importlib.metadata.version(project.PACKAGE)


def epub_contents_title(app: Sphinx) -> None:
    """Workaround: Sphinx titles the ePub's table of contents with a fixed English "Table of
    Contents" (``GUIDE_TITLES`` in sphinx/builders/_epub_base.py, marked "should be localized
    according to epub_language"); give it Sphinx's own translation. tests/test_workarounds.py
    fails once Sphinx translates it; then this can go."""
    if app.builder.name == "epub":
        title = str(sphinx_translation("Table of Contents"))
        app.builder.guide_titles = {**app.builder.guide_titles, "toc": title}


def epub_page_assets(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """An ePub page loads no script (e-readers run none) and only the epub theme's stylesheets
    and the code colours: the extensions' stylesheets are for the website (myst-nb's even uses
    CSS nesting, which epubcheck rejects)."""
    if app.builder.name != "epub":
        return
    keep = {f"_static/{name}" for name in (*app.builder.theme.stylesheets, "pygments.css")}
    context["script_files"] = []
    context["css_files"] = [css for css in context["css_files"] if css.filename in keep]


def copy_downloads(app: Sphinx, exception) -> None:
    """Put the PDF and the ePub the pages link to beside them."""
    if exception or app.builder.name != "html":
        return
    for name in app.config.book_downloads.values():
        source, target = project.BOOKS / app.config.language / name, Path(app.outdir) / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    app.add_config_value("epub_math_renderer", EPUB_MATH, "env", types=[str])
    # Which of the edition's PDF and ePub exist; when that changes, every page is rewritten.
    app.add_config_value("book_downloads", {}, "html", types=[dict])
