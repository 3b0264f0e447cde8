"""A chapter as a Jupyter notebook, in the language of its edition.

The notebook is made from two things the build already has, each used for what it knows:

- **the page's resolved doctree**, for the text: Sphinx has translated it (each paragraph through
  the page's catalog, exactly as on the page), myst-nb has pasted the glued values into it as
  the page prints them, and glossary terms and page references are resolved to their words. It
  is written back as the Markdown that Jupyter renders (CommonMark, ``$math$``, a little HTML).
  Reusing the page's own tree means one translation route, and a notebook that cannot say
  something the page does not.
- **the chapter's source notebook**, for the code: every code cell, in order, including the
  cells the page hides, since they compute the numbers and figures the page shows. Each node of
  the doctree knows its line in the source, so a code cell goes before the first node that
  follows it.

What exists only for the build becomes what a reader can see: ``from myst_nb import glue``
imports the stand-in ``descent.glue`` (it shows each glued value with its name), and a glued
figure becomes a cell ``paste("name")`` followed by the figure's caption. Functions the page
includes from the package stay read-only listings, labelled with the module they come from.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from docutils import nodes
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx import addnodes
from sphinx.locale import admonitionlabels

from book_build.languages import parallel
from book_build.web import questions

GLUE_STAND_IN = "descent.glue"
# The first line of a directive that pastes a glued output: {glue}, {glue:any}, {glue:figure}
GLUE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{glue(?::any|:figure)?\}\s+(\S+)")
MYST_NB_IMPORT = re.compile(r"^(\s*)from myst_nb import (.+)$", re.MULTILINE)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<$])")
# What would start a list, a heading or a quote at the start of a paragraph
BLOCK_START = re.compile(r"^(?:\d+[.)]|[-+*]|#{1,6})(?=\s)|^>")
SKIPPED = (nodes.comment, nodes.target, nodes.substitution_definition, nodes.system_message,
           addnodes.index, addnodes.toctree, addnodes.tabular_col_spec, nodes.meta,
           parallel.english)  # fmt: skip


class ConversionError(Exception):
    """The chapter holds something a notebook cannot show; the message says what and where."""


@dataclass
class Block:
    """One piece of the chapter: Markdown, or a code cell that pastes a glued output."""

    line: int
    markdown: str = ""
    paste: str = ""  # the glue key of an output to show here


def escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def code_span(text: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def code_block(text: str, language: str) -> str:
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def indent(text: str, prefix: str) -> str:
    """``text`` as the body of a list item whose marker is ``prefix``."""
    pad = " " * len(prefix)
    lines = text.splitlines() or [""]
    return "\n".join([prefix + lines[0]] + [(pad + line).rstrip() for line in lines[1:]])


class MarkdownWriter:
    """Writes a resolved doctree as Jupyter Markdown blocks, each with its source line."""

    def __init__(self, source: str, where: str):
        self.source_lines = source.splitlines()
        self.where = where  # the page, for error messages
        self.hoisted: list[str] = []  # glue keys pasted inside a block, shown after it
        self.quoted = 0  # depth of "> " quotes around what is being written

    # --- Blocks -----------------------------------------------------------------------------
    def blocks(self, node: nodes.Element, level: int = 0) -> list[Block]:
        found = []
        for child in node.children:
            line = self.line_of(child, found[-1].line if found else 0)
            if isinstance(child, nodes.section):
                found += self.blocks(child, level + 1)
            elif isinstance(child, nodes.title):
                found.append(Block(line, "#" * max(level, 1) + " " + self.inline(child)))
            elif is_code_cell(child):
                continue  # its code comes from the chapter's source
            elif self.pasted_at(line):
                found += self.paste(child, line)
            else:
                text = self.block(child)
                if text.strip():
                    found.append(Block(line, text))
                found += [Block(line, paste=key) for key in self.hoisted]
                self.hoisted = []
        return found

    def paste(self, node: nodes.Element, line: int) -> list[Block]:
        """A glued output: a cell that shows it, then the caption of its figure, if any."""
        found = [Block(line, paste=self.glue_key(line))]
        captions = [f"*{self.inline(c)}*" for c in node.children if isinstance(c, nodes.caption)]
        legends = [self.body(c) for c in node.children if isinstance(c, nodes.legend)]
        if captions or legends:
            found.append(Block(line, "\n\n".join(captions + legends)))
        return found

    def pasted_at(self, line: int) -> str:
        """The glue key of the directive that starts at ``line`` of the source, or ``""``.

        (By the time the doctree is resolved, myst-nb has replaced a pasted output by the node
        of its richest format, so the source says what the node was made by.)
        """
        source = self.source_lines[line - 1] if 0 < line <= len(self.source_lines) else ""
        match = GLUE_DIRECTIVE.match(source)
        return match.group(1) if match else ""

    def glue_key(self, line: int) -> str:
        key = self.pasted_at(line)
        if "::" in key:
            raise ConversionError(
                f"{self.where}:{line}: a notebook can show only what its own chapter glued, "
                f"not {key!r}, glued by another page"
            )
        return key

    def block(self, node: nodes.Node) -> str:
        """One block-level node as Markdown."""
        line = self.line_of(node, 0)
        if self.pasted_at(line):  # a glued output inside a block: shown right after the block
            self.hoisted.append(self.glue_key(line))
            return ""
        if isinstance(node, SKIPPED) or (
            isinstance(node, nodes.compound) and "toctree-wrapper" in node["classes"]
        ):
            return ""
        if isinstance(node, nodes.paragraph):
            text = self.inline(node)
            return BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
        if isinstance(node, nodes.math_block):
            return self.math_block(node)
        if isinstance(node, nodes.literal_block):
            return self.listing(node)
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            return self.list(node)
        if isinstance(node, nodes.definition_list):
            return self.definitions(node)
        if isinstance(node, questions.question):
            return self.question(node)
        if isinstance(node, nodes.Admonition | nodes.topic | nodes.sidebar):
            return self.admonition(node)
        if isinstance(node, nodes.block_quote):
            return self.quoted_body(node)
        if isinstance(node, nodes.table):
            return self.table(node)
        if isinstance(node, nodes.rubric):
            return f"**{self.inline(node)}**"
        if isinstance(node, nodes.line_block):
            return "  \n".join(self.inline(line) for line in node.findall(nodes.line))
        if isinstance(node, nodes.raw):
            return node.astext() if "html" in node.get("format", "").split() else ""
        if isinstance(node, nodes.figure):  # a figure from a file: its caption and legend
            return self.body(node)
        if isinstance(node, nodes.image | nodes.caption | nodes.title):
            return self.inline(node) if isinstance(node, nodes.caption) else ""
        if isinstance(node, nodes.field_list):
            return "\n\n".join(
                f"**{self.inline(field[0])}**: {self.body(field[1])}" for field in node
            )
        if isinstance(node, nodes.TextElement):
            return self.inline(node)
        return self.body(node)  # a container of blocks

    def body(self, node: nodes.Element) -> str:
        parts = [self.block(child) for child in node.children]
        return "\n\n".join(part for part in parts if part.strip())

    def math_block(self, node: nodes.math_block) -> str:
        latex = node.astext().strip()
        if node.get("nowrap"):  # an amsmath environment, written whole: \begin{align}...
            return latex
        if self.quoted:  # Jupyter finds $$…$$ before the quote marks: keep it on one line
            return "$$ " + " ".join(latex.split()) + " $$"
        return f"$$\n{latex}\n$$"

    def listing(self, node: nodes.literal_block) -> str:
        source = Path(node.get("source", ""))
        language = node.get("language", "default")
        if source.suffix == ".py" or language == "ipython3":
            language = "python"
        listing = code_block(node.astext(), "" if language == "default" else language)
        if source.suffix == ".py" and source.parent.name:
            # A function shown from the package: where to find it (it is imported, not defined)
            return f"{code_span(f'{source.parent.name}/{source.name}')}\n\n{listing}"
        return listing

    def list(self, node: nodes.Element) -> str:
        items = []
        for number, item in enumerate(node.children, start=node.get("start", 1)):
            marker = f"{number}. " if isinstance(node, nodes.enumerated_list) else "- "
            items.append(indent(self.body(item), marker))
        return "\n".join(items)

    def definitions(self, node: nodes.definition_list) -> str:
        entries = []
        for item in node.children:
            terms = [f"**{self.inline(t)}**" for t in item.children if isinstance(t, nodes.term)]
            definition = next(c for c in item.children if isinstance(c, nodes.definition))
            entries.append("  \n".join(terms) + "\n\n" + self.quoted_body(definition))
        return "\n\n".join(entries)

    def admonition(self, node: nodes.Element) -> str:
        titles = [child for child in node.children if isinstance(child, nodes.title)]
        title = (
            self.inline(titles[0])
            if titles
            else escape(str(admonitionlabels.get(node.tagname, "")))
        )
        content = nodes.Element()
        content.children = [child for child in node.children if child not in titles]
        if "dropdown" in node["classes"]:  # folded, as on the page (exercise solutions)
            summary = re.sub(r"\\(.)", r"\1", title).replace("<", "&lt;")
            return f"<details>\n<summary>{summary}</summary>\n\n{self.body(content)}\n\n</details>"
        return self.quoted_body(content, heading=f"**{title}**" if title else "")

    def question(self, node: nodes.Element) -> str:
        """A self-check question: its prompt and options, the answers folded below them."""
        parts = []
        for child in node.children:
            if isinstance(child, questions.question_prompt):
                parts.append(f"**{self.inline(child)}**")
            elif isinstance(child, questions.question_option):
                letter = questions.LETTERS[child["index"] - 1]
                parts.append(f"- {letter}. {self.inline(child)}")
        answers = []
        for part in node.findall(questions.question_explanation):
            answers += [f"**{escape(part['key'])}**", self.body(part)]
        for part in node.findall(questions.question_reveal):
            answers.append(self.body(part))  # a figure in it is pasted after the question
        summary = escape(str(questions._("Answers and explanations")))
        answers_text = "\n\n".join(a for a in answers if a.strip())
        return "\n".join(parts) + (
            f"\n\n<details>\n<summary>{summary}</summary>\n\n{answers_text}\n\n</details>"
        )

    def quoted_body(self, node: nodes.Element, heading: str = "") -> str:
        self.quoted += 1
        try:
            text = self.body(node)
        finally:
            self.quoted -= 1
        return quote(f"{heading}\n\n{text}" if heading else text)

    def table(self, node: nodes.table) -> str:
        rows = [
            [self.inline_cell(entry) for entry in row.findall(nodes.entry)]
            for row in node.findall(nodes.row)
        ]
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "|" + "---|" * width)
        title = [self.inline(t) for t in node.children if isinstance(t, nodes.title)]
        return "\n".join(([f"*{title[0]}*", ""] if title else []) + lines)

    def inline_cell(self, entry: nodes.entry) -> str:
        return " ".join(self.inline(p) for p in entry.findall(nodes.paragraph)).replace("|", "\\|")

    # --- Inline -------------------------------------------------------------------------------
    def inline(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return escape(node.astext())
        if isinstance(node, (*SKIPPED, nodes.image, nodes.footnote_reference)):
            return ""
        if isinstance(node, nodes.math):
            return f"${node.astext().strip()}$"
        if isinstance(node, nodes.literal):
            return code_span(node.astext())
        text = "".join(self.inline(child) for child in node.children)
        if not text.strip():
            return text
        if isinstance(node, nodes.emphasis):
            return f"*{text}*"
        if isinstance(node, nodes.strong):
            return f"**{text}**"
        if isinstance(node, nodes.reference):
            uri = node.get("refuri", "")
            # Links to other pages of the book would not work from a notebook: their words stay.
            return f"[{text}]({uri})" if uri.startswith(("http:", "https:", "mailto:")) else text
        return text

    def line_of(self, node: nodes.Node, default: int) -> int:
        for each in node.findall(nodes.Element):
            if each.line:
                return each.line
        return default


def is_code_cell(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def notebook_code(source: str, where: str) -> str:
    """A code cell of the chapter as the notebook runs it: glue comes from the stand-in."""
    code = MYST_NB_IMPORT.sub(rf"\1from {GLUE_STAND_IN} import \2", source)
    if re.search(r"\bmyst_nb\b", code):
        raise ConversionError(
            f"{where}: a notebook cell uses myst_nb in a way the notebook cannot replace; "
            f"import it as `from myst_nb import glue` (the notebook imports {GLUE_STAND_IN})"
        )
    return code


def chapter_notebook(
    doctree: nodes.document, source: str, setup: list, where: str, translate=lambda code: code
) -> nbformat.NotebookNode:
    """The notebook of one chapter: ``setup`` cells after its title, then the chapter.

    ``doctree`` is the page resolved for the edition, ``source`` the chapter's MyST source,
    ``where`` the page's path (for error messages), ``translate`` what writes a code cell's
    comments in the edition's language.
    """
    chapter = read_myst_markdown_notebook(source, add_source_map=True)
    starts = chapter.metadata.pop("source_map")  # the line before each cell, in the source
    code = [(start, cell.source) for start, cell in zip(starts, chapter.cells, strict=True)
            if cell.cell_type == "code" and cell.source.strip()]  # fmt: skip
    blocks = MarkdownWriter(source, where).blocks(doctree)
    pastes = [block.paste for block in blocks if block.paste]

    cells, markdown = [], []

    def add_markdown():
        if markdown:
            cells.append(nbformat.v4.new_markdown_cell("\n\n".join(markdown)))
            markdown.clear()

    def add_code(text: str):
        add_markdown()
        cells.append(nbformat.v4.new_code_cell(text))

    for block in blocks:
        while code and code[0][0] < block.line:
            start, text = code.pop(0)
            add_code(notebook_code(translate(text), f"{where}:{start + 1}"))
        if block.paste:
            add_code(f'paste("{block.paste}")')
        else:
            markdown.append(block.markdown)
    for start, text in code:
        add_code(notebook_code(translate(text), f"{where}:{start + 1}"))
    add_markdown()

    if pastes and not any("import glue" in c.source for c in cells if c.cell_type == "code"):
        raise ConversionError(f"{where}: the chapter pastes {pastes} but never imports glue")
    for cell in cells:  # paste comes with glue, where the chapter imports it
        if cell.cell_type == "code" and pastes:
            cell.source = re.sub(rf"^(\s*from {GLUE_STAND_IN} import glue)$", r"\1, paste",
                                 cell.source, flags=re.MULTILINE)  # fmt: skip

    first = 1 if cells and cells[0].cell_type == "markdown" else 0  # after the title
    cells[first:first] = setup
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"  # stable ids: two builds write the same bytes
    metadata = {
        "kernelspec": chapter.metadata.get("kernelspec"),
        "language_info": {"name": "python"},
    }
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)
