"""Sphinx extension: each chapter as a notebook to run, the package as a wheel to install.

After an HTML build, the edition's folder holds, beside each chapter's page, ``<page>.ipynb``:
the chapter in the edition's language, ready to run top to bottom (see notebooks.py), and, at
its root, the package's wheel (see wheel.py), which the notebook's first code cell installs.

Publishing is one setting in ``conf.py``: ``book_site_url`` and ``book_repository`` (from the
environment variables ``BOOK_SITE_URL`` and ``BOOK_REPOSITORY``, which the Pages workflow sets).
With it, each chapter offers buttons that open its notebook in Colab and Binder (from the
repository's gh-pages branch, which holds the published site), the notebook installs the wheel
from the site, and each page's canonical URL is set. Without it, no page links to another host.

Templates get, on chapter pages: ``notebook_download`` and ``package_download`` (relative URLs),
``package_file`` (the wheel's name), ``launch_links`` (empty unless published).
"""

import re
import shutil
import weakref
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging

from book_build import project
from book_build.languages import listings
from book_build.offline import notebooks, wheel
from book_build.web.assets import for_website

_ = get_translation(project.BUILD_CATALOG)
logger = logging.getLogger(__name__)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def is_notebook(app: Sphinx, docname: str) -> bool:
    return docname in app.env.found_docs and project.is_chapter(Path(app.env.doc2path(docname)))


def published(config: Config) -> bool:
    return bool(config.book_site_url)


def check_publication(app: Sphinx, config: Config) -> None:
    """Both publishing values or neither; the edition's pages get their canonical URL."""
    url, repository = config.book_site_url, config.book_repository
    if bool(url) != bool(repository):
        raise ConfigError(
            "book_site_url and book_repository go together (BOOK_SITE_URL and BOOK_REPOSITORY): "
            "set both to publish the book with launch buttons, or neither"
        )
    if not url:
        return
    if not url.startswith(("https://", "http://")) or not REPOSITORY.fullmatch(repository):
        raise ConfigError(
            f"book_site_url must be the site's address (https://…), and book_repository "
            f"owner/name on GitHub; they are {url!r} and {repository!r}"
        )
    config.book_site_url = url.rstrip("/") + "/"
    config.html_baseurl = f"{config.book_site_url}{config.language}/"


def launch_links(config: Config, docname: str) -> list[dict[str, str]]:
    """Buttons that open the chapter's published notebook, or none when nothing is published."""
    if not published(config):
        return []
    repository, branch = config.book_repository, project.PAGES_BRANCH
    path = f"{config.language}/{docname}.ipynb"
    return [
        {"name": "Colab",
         "url": f"https://colab.research.google.com/github/{repository}/blob/{branch}/{path}"},
        {"name": "Binder", "url": f"https://mybinder.org/v2/gh/{repository}/{branch}?labpath={path}"},
    ]  # fmt: skip


def add_download_links(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    if not for_website(app) or not is_notebook(app, pagename):
        return
    up = "../" * pagename.count("/")
    context["notebook_download"] = Path(pagename).name + ".ipynb"
    context["package_file"] = project.wheel_name()
    context["package_download"] = up + project.wheel_name()
    context["launch_links"] = launch_links(app.config, pagename)


def setup_cells(config: Config) -> list[nbformat.NotebookNode]:
    """The cells a notebook starts with: how to run it, then the installation."""
    wheel_name = project.wheel_name()
    package = f"{config.html_baseurl}{wheel_name}" if published(config) else wheel_name
    where = (
        _("The package comes from the book's site.")
        if published(config)
        else _(
            "The package is the file `%(wheel)s`, offered on the chapter's page beside this "
            "notebook: keep both in the same folder."
        )
        % {"wheel": wheel_name}
    )
    words = [
        _(
            "**Run the next cell first.** It sets the language of the figures and installs the "
            "book's package, `descent`, with PyTorch, NumPy and Matplotlib, in the versions this "
            "page was built with. You need Python 3.11 or newer."
        ),
        where,
        _(
            "PyTorch comes from its own index, as its CPU build (unless you set "
            "`PIP_EXTRA_INDEX_URL` yourself): nothing here needs a GPU, and the build that pip "
            "picks by default on Linux is several gigabytes larger."
        ),
    ]
    code = "\n".join([
        "import os",
        "",
        f'os.environ["DESCENT_LANG"] = "{config.language}"',
        f'os.environ.setdefault("PIP_EXTRA_INDEX_URL", "{TORCH_CPU_INDEX}")',
        f"%pip install {package} {' '.join(project.pinned_dependencies())}",
    ])  # fmt: skip
    return [nbformat.v4.new_markdown_cell(" ".join(words)), nbformat.v4.new_code_cell(code)]


# The chapters whose page this build writes, by build: Sphinx resolves a page's doctree, in the
# main process even when pages are written in parallel, just before it writes the page.
WRITTEN: "weakref.WeakKeyDictionary[Sphinx, set[str]]" = weakref.WeakKeyDictionary()


def note_written_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if for_website(app) and is_notebook(app, docname):
        WRITTEN.setdefault(app, set()).add(docname)


def outdated_setup(target: Path, setup: list[nbformat.NotebookNode]) -> bool:
    """Whether the notebook at ``target`` starts otherwise than ``setup`` (a new version of the
    package, new pins, the site's address, their words): what its page does not show."""
    sources = [cell.source for cell in nbformat.read(target, as_version=4).cells]
    return any(cell.source not in sources for cell in setup)


def write_downloads(app: Sphinx, exception) -> None:
    """The wheel, and the notebook of each chapter whose page this build wrote (a page written
    again is a chapter, a translation or a package file that changed); the other notebooks are
    those of the last build, unless missing or with setup cells of older settings."""
    written = WRITTEN.pop(app, set())
    try:
        write_notebooks(app, exception, written)
    finally:
        WRITTEN.pop(app, None)  # what resolving the doctrees below noted


def write_notebooks(app: Sphinx, exception, written: set[str]) -> None:
    if not for_website(app):
        return
    outdir = Path(app.outdir)
    if exception:  # pages written, notebooks not: missing, they are written by the next build
        for docname in written:
            (outdir / f"{docname}.ipynb").unlink(missing_ok=True)
        return
    shutil.copy(wheel.build_wheel(), outdir / project.wheel_name())
    setup = setup_cells(app.config)
    for docname in sorted(app.env.found_docs):
        if not is_notebook(app, docname):
            continue
        target = outdir / f"{docname}.ipynb"
        if docname not in written and target.is_file() and not outdated_setup(target, setup):
            continue
        source = Path(app.env.doc2path(docname))
        doctree = app.env.get_and_resolve_doctree(docname, app.builder)
        try:
            notebook = notebooks.chapter_notebook(
                doctree,
                source.read_text(encoding="utf-8"),
                setup_cells(app.config),  # fresh cells: the notebook numbers them
                where=str(source),
                translate=listings.translator(app.config.language),
            )
        except notebooks.ConversionError as error:
            logger.warning(str(error), location=docname)  # fails the build (-W)
            target.unlink(missing_ok=True)  # and the next build, which writes it again
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(notebook), encoding="utf-8")


def register(app: Sphinx) -> None:
    """What this part adds to Sphinx; when its code runs is book_build's pipeline."""
    app.add_config_value("book_site_url", "", "html", str)
    app.add_config_value("book_repository", "", "html", str)
