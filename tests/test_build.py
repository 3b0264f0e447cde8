"""The build's behaviour, on a tiny copy of the project: execution, caches, bad input."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.build
ANSI_COLOR = re.compile(r"\x1b\[[0-9;]*m")


def test_kernel_runs_in_the_language_of_each_edition(mini_book):
    mini_book.write_chapter("import os\nos.environ['DESCENT_LANG'] * 3")
    result = mini_book.build()
    assert result.returncode == 0, result.stdout
    assert "enenen" in mini_book.page("en")
    assert "eseses" in mini_book.page("es")
    # One execution cache per edition, so Spanish outputs never leak into English pages.
    caches = sorted(
        p.parent.parent.name for p in (mini_book.root / "_build").rglob("fingerprints.json")
    )
    assert caches == ["en", "es"]


def test_a_change_to_the_package_shows_in_the_next_build_without_cleaning(mini_book):
    mini_book.write_chapter("from descent.data import TRUE_PARAMS\nTRUE_PARAMS")
    assert mini_book.build("en").returncode == 0
    assert "(3.0, 2.0)" in mini_book.page("en")

    data = mini_book.root / "code" / "descent" / "data.py"
    data.write_text(
        data.read_text().replace("TRUE_PARAMS = (3.0, 2.0)", "TRUE_PARAMS = (5.0, 7.0)")
    )
    result = mini_book.build("en")
    assert result.returncode == 0, result.stdout
    assert "(5.0, 7.0)" in mini_book.page("en")
    assert "chapter.md: its package code changed, it will run again" in result.stdout


def test_a_change_elsewhere_in_the_package_reexecutes_nothing(mini_book):
    mini_book.write_chapter("from descent.data import TRUE_PARAMS\nTRUE_PARAMS")
    assert mini_book.build("en").returncode == 0
    classify = mini_book.root / "code" / "descent" / "classify.py"
    classify.write_text(classify.read_text() + "\n# a change the chapter does not import\n")
    result = mini_book.build("en")
    assert result.returncode == 0, result.stdout
    assert "Executing notebook" not in result.stdout


def test_a_failing_cell_stops_the_build_naming_chapter_cell_and_error(mini_book):
    assert mini_book.build("en").returncode == 0
    good_page = mini_book.page("en")

    mini_book.write_chapter(
        "def check(x):\n    raise ValueError('the data has the wrong shape')\ncheck(1)"
    )
    result = mini_book.build("en")
    assert result.returncode != 0
    console = ANSI_COLOR.sub("", result.stdout)
    assert str(mini_book.root / "book" / "chapter.md") in console
    assert "raise ValueError('the data has the wrong shape')" in console  # the cell
    assert "ValueError: the data has the wrong shape" in console  # the traceback
    # The last good site stays in place.
    assert mini_book.page("en") == good_page


def test_an_exception_inside_the_package_names_the_package_line(mini_book):
    mini_book.write_chapter("from descent.data import make_line_data\nmake_line_data(n=-1)")
    result = mini_book.build("en")
    assert result.returncode != 0
    console = ANSI_COLOR.sub("", result.stdout)
    assert "descent/data.py" in console
    assert "RuntimeError" in console


def test_a_malformed_catalog_stops_the_build_with_file_and_line(mini_book):
    po = mini_book.root / "locales" / "es" / "LC_MESSAGES" / "chapter.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Some prose."\nmsgstr "Un poco de prosa.\n',  # line 6: the closing quote is missing
        encoding="utf-8",
    )
    result = mini_book.build("es")
    assert result.returncode != 0
    assert re.search(rf"{re.escape(str(po))}:\d+: end-of-line within string", result.stderr)
    assert po.read_text(encoding="utf-8").endswith('msgstr "Un poco de prosa.\n')  # left as it was


def test_a_missing_gettext_stops_the_build_saying_what_to_install(mini_book, tmp_path):
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    result = mini_book.build("es", path=str(empty_path))
    assert result.returncode != 0
    assert "msgfmt (GNU gettext) is not installed" in result.stderr
    assert "apt-get install gettext" in result.stderr


def test_a_glued_value_survives_translation(mini_book):
    mini_book.write(
        "chapter.md",
        """\
        ---
        file_format: mystnb
        kernelspec: {name: python3, display_name: Python 3, language: python}
        ---

        # A chapter

        ```{code-cell} ipython3
        :tags: [remove-cell]
        from myst_nb import glue
        glue("answer", 6 * 7)
        ```

        The answer is {glue:text}`answer`.
        """,
    )
    mini_book.write_catalog(
        "chapter", {"The answer is {glue:text}`answer`.": "La respuesta es {glue:text}`answer`."}
    )
    result = mini_book.build()
    assert result.returncode == 0, result.stdout
    assert "The answer is <span" in mini_book.page("en")
    assert 'La respuesta es <span class="pasted-text">42</span>' in mini_book.page("es")


def test_the_landing_page_lists_every_edition(mini_book):
    assert mini_book.build("en").returncode == 0
    landing = (mini_book.root / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert 'href="en/index.html"' in landing and 'href="es/index.html"' in landing
    assert "navigator.languages" in landing


def test_no_compiled_catalog_is_left_beside_a_rejected_one(mini_book):
    po_dir = mini_book.root / "locales" / "es" / "LC_MESSAGES"
    shutil.copy(po_dir / "descent.po", po_dir / "broken.po")
    with open(po_dir / "broken.po", "a", encoding="utf-8") as po:
        po.write('\nmsgid "x"\nmsgstr "y" trailing\n')
    assert mini_book.build("es").returncode != 0
    assert not (po_dir / "broken.mo").exists()
    assert os.path.exists(po_dir / "descent.mo")  # the good ones were compiled


def test_a_partly_translated_page_says_so_and_marks_what_is_missing(mini_book):
    mini_book.write("chapter.md", "# A chapter\n\nFirst paragraph.\n\nSecond paragraph.\n")
    mini_book.write_catalog(
        "chapter", {"A chapter": "Un capítulo", "First paragraph.": "Primer párrafo."}
    )
    result = mini_book.build("es")
    assert result.returncode == 0, result.stdout
    page = mini_book.page("es")
    assert "Esta página está traducida solo en parte: 1 de 3" in page
    assert re.search(r'<p class="untranslated">Second paragraph.</p>', page)
    assert "Primer párrafo." in page


def test_a_chapter_missing_from_the_table_of_contents_fails_the_build(mini_book):
    mini_book.write("forgotten.md", "# Forgotten\n\nNobody links here.\n")
    result = mini_book.build("en")
    assert result.returncode != 0
    assert "forgotten.md: WARNING: document isn't included in any toctree" in result.stdout


def test_a_broken_reference_fails_the_build_with_file_and_line(mini_book):
    mini_book.write(
        "index.md", "# Mini book\n\nSee {doc}`no-such-page`.\n\n```{toctree}\nchapter\n```\n"
    )
    result = mini_book.build("en")
    assert result.returncode != 0
    assert "index.md:3: WARNING: unknown document: 'no-such-page'" in result.stdout


def test_a_missing_python_package_names_the_chapter_and_the_module(mini_book):
    mini_book.write_chapter("import package_that_is_not_installed")
    result = mini_book.build("en")
    console = ANSI_COLOR.sub("", result.stdout)
    assert result.returncode != 0
    assert str(mini_book.root / "book" / "chapter.md") in console
    assert "No module named 'package_that_is_not_installed'" in console


def test_two_clean_builds_are_byte_identical(mini_book):
    mini_book.write_chapter(
        "from myst_nb import glue\n"
        "from descent.data import make_line_data\n"
        "from descent.fit import fit_gradient_descent\n"
        "from descent.plots import plot_data\n"
        "x, y = make_line_data()\n"
        "glue('slope', fit_gradient_descent(x, y, (-1.0, 1.0), 0.1, 50).final[0].item())\n"
        "fig = plot_data(x, y)"
    )

    def clean_build() -> dict[str, bytes]:
        shutil.rmtree(mini_book.root / "_build", ignore_errors=True)
        assert mini_book.build().returncode == 0
        site = mini_book.root / "_build" / "html"
        return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    first, second = clean_build(), clean_build()
    assert any(name.endswith(".png") for name in first)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


OLD_PYTHONS = sorted(Path("/root/.pyenv/versions").glob("3.10*/bin/python3"))


@pytest.mark.skipif(not OLD_PYTHONS, reason="no Python older than 3.11 on this machine")
def test_an_unsupported_python_is_refused_with_a_clear_message(mini_book):
    result = subprocess.run(
        [str(OLD_PYTHONS[0]), str(mini_book.root / "tools" / "build.py")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "the book needs Python 3.11 or newer, and this is Python 3.10" in result.stderr


def test_an_edition_whose_kernel_did_not_start_is_built_again_once(mini_book):
    # The same words as jupyter_client's start-up failure, raised here from a cell.
    mini_book.write_chapter('raise RuntimeError("Kernel didn\'t respond in 60 seconds")')
    result = mini_book.build("en")
    assert result.returncode != 0
    assert result.stdout.count("building it again, once") == 1
