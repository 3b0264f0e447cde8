"""Listings in the reader's language (book_build.listings): comments and docstrings translated,
the code that ran kept token for token, and a translation that changes the code refused."""

import textwrap

import polib
import pytest

from book_build import listings

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
