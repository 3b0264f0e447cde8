"""Each workaround for an upstream bug has a test here that fails once upstream fixes the bug:
then the workaround (named in the assertion's message) can go."""

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import jupyter_client.connect
import jupyter_client.provisioning
import myst_nb.sphinx_ext
import pydata_sphinx_theme
import pytest
import sphinx
import sphinx_book_theme
import sphinx_togglebutton
from docutils import nodes
from docutils.utils import new_document
from myst_nb.ext.glue.utils import RetrievalError, retrieve_glue_data
from sphinx.builders import _epub_base
from sphinx.ext import imgmath
from sphinx.search import js_index
from sphinx.testing.util import SphinxTestApp


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


PYDATA = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
BOOK_THEME = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme"


def test_extensions_still_add_inline_scripts():
    theme = inspect.getsource(pydata_sphinx_theme)
    toggle = inspect.getsource(sphinx_togglebutton)
    gone = (
        "if no extension adds one, inline_scripts_as_files of tools/book_build/web/policy.py can go"
    )
    assert 'body=f"DOCUMENTATION_OPTIONS.pagename' in theme, (
        f"pydata-sphinx-theme no longer sets the page's name in an inline script: {gone}"
    )
    assert 'body=f"let toggleHintShow' in toggle, (
        f"sphinx-togglebutton no longer writes its settings in inline scripts: {gone}"
    )


def test_sphinx_still_builds_the_plural_rule_with_new_function():
    doctools = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "doctools.js"
    assert "PLURAL_EXPR = new Function(" in doctools.read_text(encoding="utf-8"), (
        "Sphinx's doctools.js no longer evaluates the plural rule: remove plural_rule_script and "
        "write_plural_rule from tools/book_build/web/policy.py"
    )


def test_the_theme_still_sets_the_colour_mode_in_an_inline_script():
    layout = (PYDATA / "layout.html").read_text(encoding="utf-8")
    assert '<script data-cfasync="false">' in layout and "<noscript>\n    <style>" in layout, (
        "pydata-sphinx-theme's layout no longer has an inline script and style: the css block of "
        "book/_templates/layout.html (color-mode.js, no-js.css) may go"
    )


def test_the_theme_search_page_still_focuses_its_field_in_an_inline_script():
    search = (PYDATA / "search.html").read_text(encoding="utf-8")
    assert "<script>\n    // Activate the search field" in search, (
        "pydata-sphinx-theme's search page no longer has an inline script: "
        "book/_templates/search.html and _static/search-focus.js may go"
    )


def test_sphinx_index_page_still_has_style_attributes():
    genindex = Path(sphinx.__file__).parent / "themes" / "basic" / "genindex.html"
    assert 'style="width: 100%"' in genindex.read_text(encoding="utf-8"), (
        "Sphinx's genindex.html no longer has style attributes: remove "
        "book/_templates/genindex.html"
    )


def test_sphinx_still_sorts_a_glossary_by_code_point(tmp_path):
    (tmp_path / "conf.py").write_text("", encoding="utf-8")
    (tmp_path / "index.rst").write_text(
        ".. glossary::\n   :sorted:\n\n"
        + "".join(f"   {term}\n      a term.\n\n" for term in ("época", "estándar", "error")),
        encoding="utf-8",
    )
    app = SphinxTestApp("dummy", srcdir=tmp_path, status=None, warning=None)
    try:
        app.build()
        doctree = app.env.get_doctree("index")
    finally:
        app.cleanup()
    terms = [node.astext() for node in doctree.findall(nodes.term)]
    assert terms == ["error", "estándar", "época"], (
        "Sphinx sorts a glossary as a dictionary now: remove DictionaryOrderGlossary from "
        "tools/book_build/languages/editions.py (and from the pipeline's table)"
    )


def test_jupyter_client_still_picks_kernel_ports():
    pick = inspect.getsource(jupyter_client.connect.LocalPortCache.find_available_port)
    launch = inspect.getsource(jupyter_client.provisioning.LocalProvisioner.pre_launch)
    assert "bind((ip, 0))" in pick and ".close()" in pick, "a port is no longer bound and freed"
    assert "find_available_port(km.ip)" in launch, (
        "jupyter_client no longer picks a kernel's TCP ports before launching it (the handshake "
        "of jupyter_client#487?): the IPC provisioner of tools/book_build/execution/kernels.py "
        "may go, if two editions' kernels no longer race for a port"
    )


def test_myst_nb_glue_still_needs_the_pages_renderer():
    translated_paragraph = new_document("translated paragraph")  # no nb_renderer
    with pytest.raises(RetrievalError):
        retrieve_glue_data(translated_paragraph, "key")
    # If this fails, myst-nb finds glued outputs without the page's renderer: a glue role inside
    # a translated paragraph may work alone, and tools/book_build/languages/glue.py can go.


def test_the_book_theme_still_hard_codes_its_sidebar_labels():
    labels = {
        "sbt-sidebar-nav.html": 'aria-label="Main"',
        "toggle-primary-sidebar.html": 'title="Toggle primary sidebar"',
        "toggle-secondary-sidebar.html": 'title="Toggle secondary sidebar"',
    }
    for name, label in labels.items():
        component = (BOOK_THEME / "components" / name).read_text(encoding="utf-8")
        assert label in component, (
            f"sphinx-book-theme's {name} no longer says {label} in English: "
            f"book/_templates/{name} may go if the theme's label is translated"
        )


def test_the_search_button_still_hides_its_visible_text_behind_an_aria_label():
    button = (PYDATA / "components" / "search-button-field.html").read_text(encoding="utf-8")
    assert "aria-label=\"{{ _('Search') }}\"" in button and "kbd-shortcut" in button, (
        "pydata-sphinx-theme's search button changed its label: "
        "book/_templates/search-button-field.html may go if its name now includes what it shows"
    )


def test_sphinx_still_forgets_index_entries_of_unwritten_pages(tmp_path):
    pages = {
        "conf.py": "html_theme = 'basic'\n",
        "index.rst": "Book\n====\n\n.. toctree::\n\n   terms\n   other\n",
        "terms.rst": "Terms\n=====\n\n.. glossary::\n\n   epoch\n      a pass.\n",
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    indexes = []
    for prose in ("Some prose.", "Other prose."):  # the second build writes terms.rst no more
        (tmp_path / "other.rst").write_text(f"Other\n=====\n\n{prose}\n", encoding="utf-8")
        app = SphinxTestApp("html", srcdir=tmp_path, status=None, warning=None)
        try:
            app.build()
            index = js_index.loads((app.outdir / "searchindex.js").read_text(encoding="utf-8"))
            indexes.append(index["indexentries"])
        finally:
            app.cleanup()
    assert indexes[0] == {"epoch": [[2, "term-epoch", True]]}
    assert indexes[1] == {}, (
        "Sphinx keeps the index entries of pages it does not write again (sphinx#12599 fixed?): "
        "remove tools/book_build/web/search.py and its row of the pipeline"
    )


def test_imgmath_still_draws_each_equation_alone():
    assert "imgmath_batch_size" not in inspect.getsource(imgmath), (
        "sphinx.ext.imgmath draws equations in batches now: set imgmath_batch_size in "
        "book/conf.py and remove tools/book_build/paper/equations.py"
    )


def test_xdist_still_ignores_its_group_marks(tmp_path):
    (tmp_path / "test_grouped.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.xdist_group(name='together')\n"
        "@pytest.mark.parametrize('i', range(4))\n"
        "def test_one(i):\n    pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist", "-n", "2", "--dist", "loadgroup", "-v"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:]
    workers = set(re.findall(r"\[(gw\d)\].*test_one", result.stdout))
    assert "@together" not in result.stdout and len(workers) == 2, (
        "pytest-xdist keeps the tests of an xdist_group on one worker again "
        "(pytest-dev/pytest-xdist#1386): mark the groups of tests/conftest.py's TRAVELS_WHOLE "
        "with xdist_group and run --dist loadgroup instead of its scheduler"
    )
