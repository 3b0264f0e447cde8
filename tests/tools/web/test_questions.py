"""The ``{question}`` directive (book_build.web.questions) on a one-page book: the HTML form
it writes, the glued numbers it reads, its messages for translation, and its errors."""

import json
import re
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

CONF = """
extensions = ["myst_nb"]
root_doc = "page"
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "colon_fence"]
gettext_compact = False


def setup(app):  # the questions alone, as the book's pipeline runs them
    from book_build import pipeline
    from book_build.web import questions

    pipeline.connect(app, [questions])
"""

CHOICE = """\
:::{question} Which way does a step go when $L'(w) < 0$?
:right: 2
- To the left.

  Wrong: against a negative derivative is to the right.
- To the *right*.

  Right: $w - \\eta L'(w)$ grows.

The figure that a right answer reveals.
:::
"""

NUMBER = """\
:::{question} How many steps?
:answer: steps
:tolerance: steps-tol
It took the glued number of steps.
:::
"""


def glued(key: str, value: float) -> dict:
    """A notebook output as myst-nb's ``glue(key, value, display=False)`` leaves it."""
    return {
        "output_type": "display_data",
        "data": {"application/papermill.record/text/plain": repr(value)},
        "metadata": {"scrapbook": {"name": key, "mime_prefix": "application/papermill.record/"}},
    }


def build(tmp_path: Path, markdown: str, builder: str = "html", glue: dict | None = None):
    """Build a book whose one page has a code cell gluing ``glue`` and ``markdown``."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF)
    outputs = [glued(key, value) for key, value in (glue or {}).items()]
    cells = [
        {"id": "title", "cell_type": "markdown", "metadata": {}, "source": "# Page"},
        {"id": "glue", "cell_type": "code", "metadata": {"tags": ["remove-cell"]},
         "source": "glue(...)", "outputs": outputs, "execution_count": 1},
        {"id": "text", "cell_type": "markdown", "metadata": {}, "source": markdown},
    ]  # fmt: skip
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    (src / "page.ipynb").write_text(json.dumps(notebook))
    out = tmp_path / builder
    status = build_main(["-b", builder, "-q", "-W", "-E", str(src), str(out)])
    return status, out


def test_a_multiple_choice_is_a_labelled_form_with_its_answers_in_details(tmp_path):
    status, out = build(tmp_path, CHOICE)
    assert status == 0
    html = (out / "page.html").read_text()
    form = re.search(r'<form class="question".*?</form>', html, re.S).group(0)
    assert 'data-right="2"' in form
    assert re.search(r"<fieldset>\s*<legend[^>]*>Which way does a step go when", form)
    radios = re.findall(r'<input type="radio" name="(question-\d+)" id="([\w-]+)" value="(\d)">'
                        r'<label for="([\w-]+)">', form)  # fmt: skip
    assert [(value, input_id == label_for) for _, input_id, value, label_for in radios] == [
        ("1", True),
        ("2", True),
    ]
    assert "<em>right</em>" in form  # the option's own markup is kept
    assert '<button type="submit" hidden>Check</button>' in form
    assert 'role="status" aria-live="polite"' in form
    answers = re.search(r"<details.*?</details>", form, re.S).group(0)
    order = [answers.index(text) for text in ("A: wrong", "against a negative", "B: right")]
    assert order == sorted(order)
    assert re.search(r'data-option="2">\s*<p>Right:', answers)
    assert re.search(r'class="question-reveal">\s*<p>The figure that a right', answers)
    assert 'src="_static/questions.js"' in html and "questions.css" in html
    assert "onclick" not in html and "<script>" not in form  # nothing inline: a strict CSP holds


def test_a_number_question_carries_the_glued_answer_and_tolerance(tmp_path):
    status, out = build(tmp_path, NUMBER, glue={"steps": 24, "steps-tol": 0.5})
    assert status == 0
    form = re.search(r'<form class="question".*?</form>', (out / "page.html").read_text(), re.S)
    form = form.group(0)
    assert 'data-answer="24.0"' in form and 'data-tolerance="0.5"' in form
    assert 'data-decimal="."' in form  # English: the point
    field = re.search(r'<label for="([\w-]+)">Your answer</label> <input type="text" id="\1"', form)
    assert field and 'inputmode="decimal"' in form
    assert "It took the glued number of steps." in form


def test_pages_without_questions_load_no_script(tmp_path):
    status, out = build(tmp_path, "Just text.")
    assert status == 0
    assert "questions.js" not in (out / "page.html").read_text()


def test_prompts_options_and_explanations_are_messages_to_translate(tmp_path):
    status, out = build(tmp_path, CHOICE, builder="gettext")
    assert status == 0
    messages = re.findall(r'^msgid "(.+)"$', (out / "page.pot").read_text(), re.M)
    assert messages[1:] == [
        "Which way does a step go when $L'(w) < 0$?",
        "To the left.",
        "To the *right*.",
        "Wrong: against a negative derivative is to the right.",
        "Right: $w - \\\\eta L'(w)$ grows.",
        "The figure that a right answer reveals.",
    ]


def test_other_builders_get_the_question_and_its_answers_as_text(tmp_path):
    status, out = build(tmp_path, CHOICE, builder="text")
    assert status == 0
    text = (out / "page.txt").read_text()
    parts = ("Which way does", "A. To the left.", "B. To the *right*.", "**B: right**", "Right:")
    for part in parts:
        assert part in text, part


@pytest.mark.parametrize(
    ("markdown", "error"),
    [
        (CHOICE.replace(":right: 2", ":right: 3"), "a question needs a list of options"),
        (CHOICE.replace(":right: 2\n", ""), "a question needs a list of options"),
        (NUMBER, "'steps' is not a number glued on this page"),
        (CHOICE.replace("To the left.", "To the [left](page)."), "option 1 has a link"),
    ],
)
def test_a_broken_question_fails_the_build(tmp_path, capsys, markdown, error):
    status, _ = build(tmp_path, markdown)
    assert status != 0
    assert error in capsys.readouterr().err
