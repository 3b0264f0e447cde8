"""The pseudo-locale check (book_build.commands.pseudo): every text a reader sees went through
a catalog."""

import subprocess
import sys

import pytest

from book_build.commands import pseudo
from conftest import project_env


@pytest.mark.parametrize(
    "message",
    [
        "The {term}`learning rate <learning rate>` {cite}`kingma2015` is $\\eta$ = "
        "{glue:text}`lr:.2f`, see {doc}`momentum` and {doc}`the bowl <feature-scaling>`.",
        "Use `fit_gradient_descent` and ``x`` [here](#section) or <https://example.org>.",
        'Download <a href="%(notebook)s" download>the notebook</a> (<code>%(file)s</code>)',
        "Step {step} of {total}, {kappa:.0f} steps, 100 %",
    ],
)
def test_a_pseudo_translation_keeps_the_markup_and_marks_every_word(message):
    from book_build.commands.translate import markup

    translated = pseudo.pseudo(message)
    assert pseudo.unmarked(pseudo.KEPT.sub(" ", translated)) is None
    for kept in ("{glue:text}`lr:.2f`", "{doc}`momentum`", "<feature-scaling>`", "%(notebook)s",
                 "{step}", "{kappa:.0f}", "`fit_gradient_descent`", "(#section)"):  # fmt: skip
        assert (kept in message) == (kept in translated)
    assert not markup(message) - markup(translated)  # what `nox -s translations -- --check` asks


def test_text_grows_by_a_third():
    text = "Gradient descent takes a step against the gradient."
    assert len(pseudo.pseudo(text)) >= 4 / 3 * len(text)


def test_a_glossary_reference_keeps_its_target_as_the_translators_do():
    assert pseudo.pseudo("{term}`Learning rates <learning rate>`") == (
        f"{{term}}`{pseudo.pseudo_words('Learning rates')} <learning rate>`"
    )
    assert pseudo.pseudo("{term}`loss`") == f"{{term}}`{pseudo.pseudo_words('loss')} <loss>`"


def test_display_math_is_kept():
    assert pseudo.is_math("L(w) = \\frac{1}{n} \\sum_i (w x_i - y_i)^2")
    assert not pseudo.is_math("The loss $L(w)$ is a mean.")
    assert not pseudo.is_math("On Windows, write <code>.venv\\Scripts\\</code>.")


CHAPTER = """\
# A chapter

Some prose about {glue:text}`points` points.

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue
from descent.data import make_line_data
from descent.plots import plot_data

fig = plot_data(*make_line_data())
PLANT
glue("points", 100, display=False)
glue("fig-data", fig, display=False)
```

```{glue:figure} fig-data
:alt: Points near a line.

The data.
```

:::{question} Which is right?
:right: 1
- This one.

  Right: it is.
- That one.

  It is not.
:::
"""
MESSAGES = [
    "A chapter", "Some prose about {glue:text}`points` points.", "Points near a line.",
    "The data.", "Which is right?", "This one.", "Right: it is.", "That one.", "It is not.",
]  # fmt: skip


def pseudo_check(mini_book, plant: str = "") -> subprocess.CompletedProcess:
    mini_book.write_notebook("chapter.md", CHAPTER.replace("PLANT", plant))
    mini_book.write_catalog("index", {"Mini book": ""})
    mini_book.write_catalog("chapter", dict.fromkeys(MESSAGES, ""))
    return subprocess.run(
        [sys.executable, "-m", "book_build.commands.pseudo", "--in-place", "--lang", "es"],
        cwd=mini_book.root,
        capture_output=True,
        text=True,
        env=project_env(mini_book.root),
    )


def test_the_pseudo_edition_passes_when_every_text_is_translated(mini_book):
    result = pseudo_check(mini_book)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    page = mini_book.page("es")
    assert pseudo.pseudo("Which is right?") in page  # a question, pseudo-translated
    assert pseudo.pseudo("Right: it is.") in page


def test_the_pseudo_edition_names_every_text_that_skipped_translation(mini_book):
    # A figure label written without _(), and a sentence a template adds to every page
    plant = 'fig.axes[0].set_title("A planted title")'
    template = mini_book.root / "book" / "_templates" / "run-yourself.html"
    template.write_text(
        template.read_text(encoding="utf-8") + "<p>A planted sentence.</p>\n", encoding="utf-8"
    )
    result = pseudo_check(mini_book, plant)
    assert result.returncode == 1, result.stdout[-5000:]
    found = [line for line in result.stdout.splitlines() if line.startswith("untranslated:")]
    assert any("chapter.md" in line and "A planted title" in line for line in found), found
    assert any("chapter.html" in line and "A planted sentence." in line for line in found), found
