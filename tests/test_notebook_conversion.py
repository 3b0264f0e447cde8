"""The conversion of a chapter's doctree and source into a notebook
(book_build.offline.notebooks)."""

import textwrap

import nbformat
import pytest
from docutils import nodes
from docutils.core import publish_doctree

from book_build.offline.notebooks import (
    ConversionError,
    MarkdownWriter,
    chapter_notebook,
    notebook_code,
)


def markdown(rst: str) -> str:
    """The Markdown a notebook gets for a page written as ``rst``."""
    doctree = publish_doctree(textwrap.dedent(rst), settings_overrides={"report_level": 5})
    blocks = MarkdownWriter("", "page.md").blocks(doctree)
    return "\n\n".join(block.markdown for block in blocks)


def test_inline_markup_becomes_markdown_and_special_characters_stay_text():
    text = markdown(r"""
        Some *words*, **strong** ones, ``code()``, :math:`x^2`, `a link <https://example.org>`_,
        and characters Markdown would read: \*, _, $5, <tag>, [x].
        """)
    assert text == (
        "Some *words*, **strong** ones, `code()`, $x^2$, [a link](https://example.org), and "
        r"characters Markdown would read: \*, \_, \$5, \<tag>, \[x\]."
    )


def test_a_paragraph_that_would_start_a_list_or_a_heading_stays_a_paragraph():
    assert markdown(r"\- 1 is negative.") == r"\- 1 is negative."
    assert markdown(r"2019\. A year.") == r"2019\. A year."


def test_admonitions_are_quotes_and_dropdowns_fold():
    text = markdown("""
        .. admonition:: Exercise 1

           How many steps?

           .. math:: a \\leftarrow a - \\eta g

        .. admonition:: Solution
           :class: dropdown

           Forty-two.

        .. note:: Optional.
        """)
    assert text == (
        "> **Exercise 1**\n>\n> How many steps?\n>\n> $$ a \\leftarrow a - \\eta g $$\n\n"
        "<details>\n<summary>Solution</summary>\n\nForty-two.\n\n</details>\n\n"
        "> **Note**\n>\n> Optional."
    )


def test_lists_definitions_and_tables():
    text = markdown("""
        - one
        - two

          1. nested

        term
           Its definition.

        ===  ===
        a    b
        ===  ===
        1    2
        ===  ===
        """)
    assert text == (
        "- one\n- two\n\n  1. nested\n\n**term**\n\n> Its definition.\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )


def test_a_listing_from_the_package_says_where_it_comes_from():
    listing = nodes.literal_block("def f():\n    return 1\n", "def f():\n    return 1\n")
    listing["source"] = "/repo/code/descent/fit.py"
    assert MarkdownWriter("", "page.md").block(listing) == (
        "`descent/fit.py`\n\n```python\ndef f():\n    return 1\n```"
    )


def test_glue_comes_from_the_stand_in_and_nothing_else_of_myst_nb_is_accepted():
    assert notebook_code("import torch\nfrom myst_nb import glue\n", "p.md:3") == (
        "import torch\nfrom descent.glue import glue\n"
    )
    with pytest.raises(ConversionError, match="p.md:3"):
        notebook_code("import myst_nb\nmyst_nb.glue('x', 1)", "p.md:3")


CHAPTER = """\
---
kernelspec: {name: python3, display_name: Python 3, language: python}
---

# Title

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue
glue("fig-x", make_figure(), display=False)
```

Some prose.

```{glue:figure} fig-x
:alt: A figure.

Its caption.
```

```{code-cell} ipython3
x = 1
```

After the code.
"""


def chapter_doctree() -> nodes.document:
    """The doctree Sphinx would make of CHAPTER (what matters here: nodes and their lines)."""

    def at(line, node):
        node.line = line
        return node

    def text(node_class, line, words):
        return at(line, node_class(words, words))

    image = at(15, nodes.image(uri="x.png"))
    figure = at(15, nodes.figure("", image, text(nodes.caption, 18, "Its caption.")))
    cell = at(21, nodes.container(nb_element="cell_code"))
    section = at(5, nodes.section())
    section += [
        text(nodes.title, 5, "Title"),
        text(nodes.paragraph, 12, "Some prose."),
        figure,
        cell,
        text(nodes.paragraph, 25, "After the code."),
    ]
    document = publish_doctree("")
    document += section
    return document


def test_code_cells_go_where_the_source_has_them_and_pasted_figures_where_the_page_shows_them():
    setup = [nbformat.v4.new_code_cell("%pip install descent.whl")]
    notebook = chapter_notebook(chapter_doctree(), CHAPTER, setup, "chapter.md")
    cells = [(cell.cell_type, cell.source) for cell in notebook.cells]
    assert cells == [
        ("markdown", "# Title"),
        ("code", "%pip install descent.whl"),
        (
            "code",
            'from descent.glue import glue, paste\nglue("fig-x", make_figure(), display=False)',
        ),
        ("markdown", "Some prose."),
        ("code", 'paste("fig-x")'),
        ("markdown", "*Its caption.*"),
        ("code", "x = 1"),
        ("markdown", "After the code."),
    ]
    assert [cell.id for cell in notebook.cells] == [f"cell-{n}" for n in range(8)]
    assert notebook.metadata.kernelspec.name == "python3"


def test_a_figure_glued_by_another_page_cannot_be_pasted():
    source = CHAPTER.replace("{glue:figure} fig-x", "{glue:figure} other.md::fig-x")
    with pytest.raises(ConversionError, match="chapter.md:15"):
        chapter_notebook(chapter_doctree(), source, [], "chapter.md")
