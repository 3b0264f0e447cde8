"""Each workaround for an upstream bug has a test here that fails once upstream fixes the bug:
then the workaround (named in the assertion's message) can go."""

import inspect
from pathlib import Path

import myst_nb.sphinx_ext
import pydata_sphinx_theme
import sphinx_book_theme
from sphinx.builders import _epub_base


def test_the_book_theme_still_labels_its_print_contents_in_english():
    layout = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "layout.html"
    assert 'aria-label="Page"' in layout.read_text(encoding="utf-8"), (
        "sphinx-book-theme no longer hard-codes this label: remove the docs_body block of "
        "book/_templates/layout.html"
    )


def test_myst_nb_still_copies_its_stylesheet_after_the_pages():
    source = inspect.getsource(myst_nb.sphinx_ext)
    assert '"build-finished", add_global_html_resources' in source, (
        "myst-nb no longer copies its stylesheet when the build finishes: remove the call of "
        "add_global_html_resources from tools/book_build/web/static_versions.py"
    )


def test_sphinx_still_titles_the_epub_contents_in_english():
    assert _epub_base.GUIDE_TITLES["toc"] == "Table of Contents", (
        "Sphinx's ePub builder changed how it titles its table of contents: remove "
        "epub_contents_title from tools/book_build/paper/books.py if the Spanish ePub's nav.xhtml "
        "is in Spanish without it"
    )
    assert type(_epub_base.GUIDE_TITLES["toc"]) is str, "a lazy (translated) string now"


def test_the_theme_still_writes_its_pygments_stylesheet_after_the_pages():
    source = inspect.getsource(pydata_sphinx_theme.setup)
    assert '"build-finished", pygments.overwrite_pygments_css' in source, (
        "pydata-sphinx-theme no longer writes pygments.css when the build finishes: remove the "
        "call of overwrite_pygments_css from tools/book_build/web/bundles.py"
    )
