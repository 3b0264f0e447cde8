"""Listings in the reader's language (book_build.languages.listings): comments and docstrings
translated,
the code that ran kept token for token, and a translation that changes the code refused."""

import re
import textwrap

import polib
import pytest

from book_build.languages import listings

SOURCE = textwrap.dedent('''\
    def step(params, lr):
        """Take one step.

        The gradient is ``grad``; the rate, ``lr``.
        """
        grad = 2 * params  # the slope of the bowl
        return params - lr * grad  # fmt: skip
    ''')
SPANISH = {
    "Take one step.\n\nThe gradient is ``grad``; the rate, ``lr``.": (
        "Da un paso.\n\nEl gradiente es ``grad``; la tasa, ``lr``."
    ),
    "the slope of the bowl": "la pendiente del cuenco",
}


def test_comments_and_docstrings_are_what_a_translator_sees():
    assert [message for _token, message in listings.units(SOURCE)] == list(SPANISH)


def test_a_translated_listing_keeps_its_code_and_layout():
    shown = listings.translated(SOURCE, lambda m: SPANISH.get(m, m))
    assert shown == SOURCE.replace("Take one step.", "Da un paso.").replace(
        "The gradient is ``grad``; the rate, ``lr``.", "El gradiente es ``grad``; la tasa, ``lr``."
    ).replace("# the slope of the bowl", "# la pendiente del cuenco")
    assert "# fmt: skip" in shown  # a pragma is for the tools, not translated
    assert listings.same_code(SOURCE, shown)
    assert listings.translated(SOURCE, lambda m: m) == SOURCE  # untranslated: the source


@pytest.mark.parametrize(
    ("message", "planted"),
    [
        (0, 'Da un paso."""\n    params = 0\n    """'),  # closes the docstring, adds code
        (1, "la pendiente\n        grad = 0"),  # a comment that spills onto a line of code
    ],
)
def test_a_translation_that_changes_the_code_is_refused(message, planted):
    target = list(SPANISH)[message]
    shown = listings.translated(SOURCE, lambda m: planted if m == target else m)
    assert not listings.same_code(SOURCE, shown)


def test_the_entry_that_breaks_a_listing_is_named(tmp_path):
    po = polib.POFile()
    po.append(polib.POEntry(msgid="the slope of the bowl", msgstr="la pendiente"))
    po.append(polib.POEntry(msgid=list(SPANISH)[0], msgstr='Da un paso."""; grad = 0; """'))
    path = tmp_path / "listings.po"
    po.save(str(path))
    entries = polib.pofile(str(path))
    broken = [e for e in entries if not listings.same_code(SOURCE, listings.alone(SOURCE, e))]
    assert [e.msgid for e in broken] == [list(SPANISH)[0]] and broken[0].linenum > 0


def test_the_book_s_listings_are_extracted_with_where_they_come_from():
    found = listings.messages()
    where = found["Run ``steps`` steps of full-batch gradient descent from ``start``."]
    assert where == ["code/descent/fit.py:fit_gradient_descent"]
    assert all(message.strip() == message for message in found)


def test_a_page_s_code_cells_hidden_ones_too_and_python_blocks_are_extracted():
    page = textwrap.dedent("""\
        ```{code-cell} ipython3
        x = 1  # shown
        ```

        ```{code-cell} ipython3
        :tags: [remove-cell]
        y = 2  # hidden on the page, shown in the notebook
        ```

        ```python
        z = 3  # a solution
        ```
        """)
    code = listings.page_code(page)
    assert code == [
        "x = 1  # shown\n",
        "y = 2  # hidden on the page, shown in the notebook\n",
        "z = 3  # a solution\n",
    ]
    found = listings.messages()
    assert found["the slope and intercept that made the data"] == ["book/linear-regression.md"]
    assert "the verdicts stated below" in found  # a hidden cell of learning-rate-decay


def test_the_spanish_pages_and_notebooks_show_code_cells_with_translated_comments(site):
    spanish = listings.catalog("es")[1]["the slope and intercept that made the data"].msgstr
    page = (site / "es" / "linear-regression.html").read_text(encoding="utf-8")
    notebook = (site / "es" / "linear-regression.ipynb").read_text(encoding="utf-8")
    assert spanish in re.sub(r"<[^>]+>", "", page) and spanish in notebook
    english = (site / "en" / "linear-regression.html").read_text(encoding="utf-8")
    assert "the slope and intercept that made the data" in re.sub(r"<[^>]+>", "", english)


HIDDEN_CHAPTER = """\
x = 1  # the shown cell's comment
```

```{code-cell} ipython3
:tags: [remove-cell]
y = x + 1  # the hidden cell's comment"""
HIDDEN_SPANISH = {
    "the shown cell's comment": "el comentario de la celda visible",
    "the hidden cell's comment": "el comentario de la celda oculta",
}


def test_a_hidden_cell_s_comments_are_translated_and_checked_in_the_notebook(mini_book):
    """The page hides the cell, its notebook shows it: in the edition's language, and a
    translation that changes its code stops the build, naming the entry."""
    mini_book.write_chapter(HIDDEN_CHAPTER)
    assert set(HIDDEN_SPANISH) <= set(listings.messages(mini_book.root / "book"))
    mini_book.write_catalog("listings", HIDDEN_SPANISH)
    result = mini_book.build("en", "es")
    assert result.returncode == 0, result.stdout + result.stderr
    site = mini_book.root / "_build" / "html"
    spanish = (site / "es" / "chapter.ipynb").read_text(encoding="utf-8")
    english = (site / "en" / "chapter.ipynb").read_text(encoding="utf-8")
    for message, translation in HIDDEN_SPANISH.items():
        assert f"# {translation}" in spanish and message not in spanish
        assert f"# {message}" in english
    assert "el comentario de la celda oculta" not in mini_book.page("es")  # hidden on the page

    catalog = mini_book.write_catalog(
        "listings", {**HIDDEN_SPANISH, "the hidden cell's comment": "oculto\\ny = 0"}
    )
    result = mini_book.build("es")
    assert result.returncode != 0
    assert f"{catalog}:" in result.stdout + result.stderr
    assert "changes the code of a notebook's code cell (y = x + 1" in result.stdout + result.stderr
