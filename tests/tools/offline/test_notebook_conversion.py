"""The conversion of a chapter's doctree and source into a notebook
(book_build.offline.notebooks), and which notebooks a build writes
(book_build.offline.downloads)."""

import textwrap

import nbformat
import pytest
from docutils import nodes
from docutils.core import publish_doctree

from book_build.offline import downloads
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


class gadget(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A block the notebook writer has never heard of."""


class gizmo(nodes.Inline, nodes.TextElement):  # noqa: N801
    """Inline markup the notebook writer has never heard of."""


def test_a_node_the_writer_does_not_know_stops_the_conversion_naming_it_the_page_and_the_line():
    document = publish_doctree("A paragraph.\n\nAnother one.\n")
    unknown = gadget("", nodes.paragraph("In it.", "In it."))
    unknown.line = 5
    document += unknown
    with pytest.raises(ConversionError, match=r"^page\.md:5: .*test_notebook_conversion\.gadget"):
        MarkdownWriter("", "page.md").blocks(document)

    document = publish_doctree("A paragraph.\n\nAnother one.\n")
    document[1] += gizmo("odd", "odd")  # inside a paragraph: the line is the paragraph's
    with pytest.raises(ConversionError, match=r"^page\.md:3: .*gizmo \(in paragraph\)"):
        MarkdownWriter("", "page.md").blocks(document)


def test_a_part_of_a_structure_the_writer_does_not_know_stops_the_conversion_too():
    document = publish_doctree(
        """
        ===  ===
        a    b
        ===  ===
        1    - a list in a cell
        ===  ===
        """.replace("\n        ", "\n")
    )
    with pytest.raises(ConversionError, match=r"^page\.md:\d+: .*bullet_list \(in entry\)"):
        MarkdownWriter("", "page.md").blocks(document)


# --- Which notebooks a build writes -----------------------------------------------------------
class App:
    """What write_downloads asks of Sphinx: a website build of the chapters ``docs``."""

    def __init__(self, outdir, docs):
        self.builder = type("Builder", (), {"name": "html"})()
        self.outdir = str(outdir)
        self.config = None
        self.env = type("Env", (), {})()
        self.env.found_docs = set(docs)
        self.env.doc2path = lambda docname: outdir / f"{docname}.md"
        self.env.get_and_resolve_doctree = lambda docname, builder: docname

    def build(self, written=(), exception=None) -> list[str]:
        """A build that writes the pages ``written``; the notebooks it converted."""
        for docname in written:
            downloads.note_written_page(self, None, docname)
        self.converted = []
        downloads.write_downloads(self, exception)
        return self.converted


@pytest.fixture
def app(tmp_path, monkeypatch):
    app = App(tmp_path, ["one", "two"])
    for docname in app.env.found_docs:
        (tmp_path / f"{docname}.md").write_text("# A chapter\n")
    wheel = tmp_path / "descent.whl"
    wheel.write_bytes(b"")
    setup = ["%pip install descent.whl"]

    def convert(doctree, source, setup_cells, where, translate):
        if doctree == "broken":
            raise ConversionError(f"{where}:1: no notebook")
        app.converted.append(doctree)
        return nbformat.v4.new_notebook(
            cells=[*setup_cells, nbformat.v4.new_markdown_cell(doctree)]
        )

    monkeypatch.setattr(
        downloads, "is_notebook", lambda app, docname: docname in app.env.found_docs
    )
    monkeypatch.setattr(downloads.wheel, "build_wheel", lambda: wheel)
    monkeypatch.setattr(
        downloads, "setup_cells", lambda config: [nbformat.v4.new_code_cell(setup[0])]
    )
    monkeypatch.setattr(downloads.listings, "translator", lambda lang: None)
    monkeypatch.setattr(downloads.notebooks, "chapter_notebook", convert)
    app.config = type("Config", (), {"language": "en"})()
    app.setup = setup
    return app


def test_only_the_chapters_whose_page_is_written_get_their_notebook_written(app, tmp_path):
    assert app.build() == ["one", "two"]  # none yet: every notebook is written
    stamps = {path.name: path.stat().st_mtime_ns for path in tmp_path.glob("*.ipynb")}
    assert app.build() == []  # nothing changed: no page written, no notebook
    assert app.build(written=["two"]) == ["two"]  # a chapter that changed
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.ipynb")}["one.ipynb"] == (
        stamps["one.ipynb"]
    )
    assert app.build() == []  # what a build noted is not carried into the next one


def test_a_notebook_whose_setup_is_outdated_or_which_failed_is_written_again(app, tmp_path):
    app.build()
    app.setup[0] = "%pip install descent-2.whl"  # a new version of the package
    assert app.build() == ["one", "two"]
    assert "descent-2.whl" in (tmp_path / "one.ipynb").read_text()

    app.env.get_and_resolve_doctree = lambda docname, builder: "broken"
    app.build(written=["one"])  # the warning fails the build: no notebook left to publish
    assert not (tmp_path / "one.ipynb").exists()
    app.env.get_and_resolve_doctree = lambda docname, builder: docname
    assert app.build() == ["one"]  # the next build writes it, even if the page is not written

    app.build(written=["two"], exception=RuntimeError("the build failed"))
    assert not (tmp_path / "two.ipynb").exists()  # its page may be new: so must its notebook
    assert app.build() == ["two"]
