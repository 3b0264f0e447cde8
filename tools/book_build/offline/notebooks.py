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
from docutils.utils import new_document
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.locale import admonitionlabels

from book_build.web import questions

GLUE_STAND_IN = "descent.glue"
# The first line of a directive that pastes a glued output: {glue}, {glue:any}, {glue:figure}
GLUE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{glue(?::any|:figure)?\}\s+(\S+)")
MYST_NB_IMPORT = re.compile(r"^(\s*)from myst_nb import (.+)$", re.MULTILINE)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<$])")
# What would start a list, a heading or a quote at the start of a paragraph
BLOCK_START = re.compile(r"^(?:\d+[.)]|[-+*]|#{1,6})(?=\s)|^>")


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


BLOCK, INLINE = "block", "inline"  # where a node is written: as a block, or inside a line


class MarkdownWriter(nodes.NodeVisitor):
    """Writes a resolved doctree as Jupyter Markdown blocks, each with its source line.

    A docutils visitor: each node type the book uses has its ``visit_`` method (and, when its
    children are walked, its ``depart_``). What a node's children write is collected in a frame,
    which says whether they are written as blocks or inside a line. A node of a type with no
    ``visit_`` method stops the conversion, naming the type, the page and the line: the notebook
    never says less than the page without anyone deciding it should.
    """

    def __init__(self, source: str, where: str):
        super().__init__(new_document(where))  # its reporter hears the walk's debug messages
        self.source_lines = source.splitlines()
        self.where = where  # the page, for error messages
        self.hoisted: list[str] = []  # glue keys pasted inside a block, shown after it
        self.quoted = 0  # depth of "> " quotes around what is being written
        self.level = 0  # depth of sections, for the headings
        self.found: list[Block] = []  # the chapter's blocks so far
        self.frames: list[tuple[list[str], str]] = []  # what children wrote, and how

    # --- The walk -----------------------------------------------------------------------------
    def mode(self) -> str:
        """How the node being visited is written: as a block, or inside a line."""
        return self.frames[-1][1] if self.frames else BLOCK

    def emit(self, text: str) -> None:
        self.frames[-1][0].append(text)

    def open(self, mode: str) -> None:
        """Collect what the children of the node being visited write, as ``mode``."""
        self.frames.append(([], mode))

    def close(self) -> str:
        parts, mode = self.frames.pop()
        return "\n\n".join(p for p in parts if p.strip()) if mode == BLOCK else "".join(parts)

    def render(self, children, mode: str) -> str:
        """``children`` (nodes) as Markdown: blocks apart, or one line of text."""
        self.open(mode)
        try:
            for child in children:
                child.walkabout(self)
        except BaseException:
            self.frames.pop()
            raise
        return self.close()

    def body(self, node: nodes.Element) -> str:
        return self.render(node.children, BLOCK)

    def inline(self, node: nodes.Node) -> str:
        return self.render([node], INLINE)

    def block(self, node: nodes.Node) -> str:
        """One block-level node as Markdown."""
        return self.render([node], BLOCK)

    def dispatch_visit(self, node: nodes.Node) -> None:
        if self.frames and self.mode() == BLOCK and isinstance(node, nodes.Element):
            line = self.line_of(node, 0)
            if self.pasted_at(line):  # a glued output inside a block: shown right after it
                self.hoisted.append(self.glue_key(line))
                raise nodes.SkipNode
        super().dispatch_visit(node)

    def unknown_visit(self, node: nodes.Node) -> None:
        name = type(node).__name__
        parent = f" (in {node.parent.tagname})" if node.parent is not None else ""
        raise ConversionError(
            f"{self.where}:{self.line_near(node) or '?'}: the notebook writer does not know the "
            f"node {type(node).__module__}.{name}{parent}: say how a notebook shows it, with "
            f"visit_{name} in book_build.offline.notebooks.MarkdownWriter"
        )

    unknown_departure = unknown_visit

    def skip(self, node: nodes.Node) -> None:
        """Nothing to show."""
        raise nodes.SkipNode

    def write(self, text: str) -> None:
        """The node is ``text``; its children were read by the visit."""
        self.emit(text)
        raise nodes.SkipNode

    def words(self, node: nodes.Element) -> None:
        """Its children, inside a line."""
        self.open(INLINE)

    def visit_container(self, node: nodes.Element) -> None:
        """Its children: as blocks when it is a block, inside a line when it is in one."""
        self.open(self.mode())

    def depart(self, node: nodes.Node) -> None:
        self.emit(self.close())

    # --- The chapter: sections, titles, code cells, glued outputs ---------------------------
    def blocks(self, node: nodes.Element, level: int = 0) -> list[Block]:
        self.found, self.level = [], level
        self.chapter(node)
        return self.found

    def chapter(self, node: nodes.Element) -> None:
        for child in node.children:
            line = self.line_of(child, self.found[-1].line if self.found else 0)
            if isinstance(child, nodes.section):
                child.walkabout(self)
            elif isinstance(child, nodes.title):
                heading = "#" * max(self.level, 1) + " " + self.inline(child)
                self.found.append(Block(line, heading))
            elif is_code_cell(child):
                continue  # its code comes from the chapter's source
            elif self.pasted_at(line):
                self.found += self.paste(child, line)
            else:
                text = self.block(child)
                if text.strip():
                    self.found.append(Block(line, text))
                self.found += [Block(line, paste=key) for key in self.hoisted]
                self.hoisted = []

    def visit_document(self, node: nodes.document) -> None:
        self.chapter(node)
        raise nodes.SkipNode

    def visit_section(self, node: nodes.section) -> None:
        self.level += 1
        try:
            self.chapter(node)
        finally:
            self.level -= 1
        raise nodes.SkipNode

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

    # --- Nothing to show ----------------------------------------------------------------------
    # Build-time nodes, and the English a translated page offers beside its paragraphs
    visit_comment = visit_target = visit_substitution_definition = visit_system_message = skip
    visit_index = visit_toctree = visit_tabular_col_spec = visit_meta = visit_english = skip
    visit_image = visit_footnote_reference = skip  # a figure is pasted from its glued output

    # --- Blocks ---------------------------------------------------------------------------------
    def visit_paragraph(self, node: nodes.paragraph) -> None:
        self.open(INLINE)

    def depart_paragraph(self, node: nodes.paragraph) -> None:
        text = self.close()
        if self.mode() == BLOCK:  # what would start a list or a heading stays text
            text = BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
        self.emit(text)

    def visit_title(self, node: nodes.title) -> None:
        if self.mode() == BLOCK:  # a title is written by what it titles
            self.skip(node)
        self.open(INLINE)

    def visit_rubric(self, node: nodes.rubric) -> None:
        if self.mode() == BLOCK:
            self.write(f"**{self.inline(node)}**")
        self.open(INLINE)

    def visit_math_block(self, node: nodes.math_block) -> None:
        if self.mode() == INLINE:
            self.write(escape(node.astext()))
        latex = node.astext().strip()
        if node.get("nowrap"):  # an amsmath environment, written whole: \begin{align}...
            self.write(latex)
        if self.quoted:  # Jupyter finds $$…$$ before the quote marks: keep it on one line
            self.write("$$ " + " ".join(latex.split()) + " $$")
        self.write(f"$$\n{latex}\n$$")

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        if self.mode() == INLINE:
            self.write(escape(node.astext()))
        source = Path(node.get("source", ""))
        language = node.get("language", "default")
        if source.suffix == ".py" or language == "ipython3":
            language = "python"
        listing = code_block(node.astext(), "" if language == "default" else language)
        if source.suffix == ".py" and source.parent.name:
            # A function shown from the package: where to find it (it is imported, not defined)
            self.write(f"{code_span(f'{source.parent.name}/{source.name}')}\n\n{listing}")
        self.write(listing)

    def visit_bullet_list(self, node: nodes.Element) -> None:
        if self.mode() == INLINE:
            self.words(node)
            return
        items = []
        for number, item in enumerate(node.children, start=node.get("start", 1)):
            self.expect(item, nodes.list_item)
            marker = f"{number}. " if isinstance(node, nodes.enumerated_list) else "- "
            items.append(indent(self.body(item), marker))
        self.write("\n".join(items))

    visit_enumerated_list = visit_bullet_list

    def visit_definition_list(self, node: nodes.definition_list) -> None:
        if self.mode() == INLINE:
            self.words(node)
            return
        entries = []
        for item in node.children:
            self.expect(item, nodes.definition_list_item)
            for part in item.children:
                self.expect(part, nodes.term, nodes.definition)
            terms = [f"**{self.inline(t)}**" for t in item.children if isinstance(t, nodes.term)]
            definition = next(c for c in item.children if isinstance(c, nodes.definition))
            entries.append("  \n".join(terms) + "\n\n" + self.quoted_body(definition.children))
        self.write("\n\n".join(entries))

    def visit_field_list(self, node: nodes.field_list) -> None:
        if self.mode() == INLINE:
            self.words(node)
            return
        for field in node.children:
            self.expect(field, nodes.field)
        self.write(
            "\n\n".join(f"**{self.inline(field[0])}**: {self.body(field[1])}" for field in node)
        )

    def visit_admonition(self, node: nodes.Element) -> None:
        if self.mode() == INLINE:
            self.words(node)
            return
        titles = [child for child in node.children if isinstance(child, nodes.title)]
        title = (
            self.inline(titles[0])
            if titles
            else escape(str(admonitionlabels.get(node.tagname, "")))
        )
        content = [child for child in node.children if child not in titles]
        if "dropdown" in node["classes"]:  # folded, as on the page (exercise solutions)
            summary = re.sub(r"\\(.)", r"\1", title).replace("<", "&lt;")
            body = self.render(content, BLOCK)
            self.write(f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>")
        self.write(self.quoted_body(content, heading=f"**{title}**" if title else ""))

    visit_attention = visit_caution = visit_danger = visit_error = visit_hint = visit_admonition
    visit_important = visit_note = visit_tip = visit_warning = visit_seealso = visit_admonition
    visit_topic = visit_sidebar = visit_admonition

    def visit_block_quote(self, node: nodes.block_quote) -> None:
        if self.mode() == INLINE:
            self.words(node)
            return
        self.write(self.quoted_body(node.children))

    def quoted_body(self, children, heading: str = "") -> str:
        self.quoted += 1
        try:
            text = self.render(children, BLOCK)
        finally:
            self.quoted -= 1
        return quote(f"{heading}\n\n{text}" if heading else text)

    def visit_question(self, node: nodes.Element) -> None:
        """A self-check question: its prompt and options, the answers folded below them."""
        if self.mode() == INLINE:
            self.words(node)
            return
        parts, explanations, reveals = [], [], []
        for child in node.children:
            if isinstance(child, questions.question_prompt):
                parts.append(f"**{self.inline(child)}**")
            elif isinstance(child, questions.question_option):
                letter = questions.LETTERS[child["index"] - 1]
                parts.append(f"- {letter}. {self.inline(child)}")
            elif isinstance(child, questions.question_answers):
                for part in child.children:
                    self.expect(part, questions.question_explanation, questions.question_reveal)
                    if isinstance(part, questions.question_explanation):
                        explanations += [f"**{escape(part['key'])}**", self.body(part)]
                    else:  # a figure in it is pasted after the question
                        reveals.append(self.body(part))
            else:  # a number to type: the notebook asks for none
                self.expect(child, questions.question_number)
        summary = escape(str(questions._("Answers and explanations")))
        answers = "\n\n".join(a for a in explanations + reveals if a.strip())
        self.write(
            "\n".join(parts)
            + f"\n\n<details>\n<summary>{summary}</summary>\n\n{answers}\n\n</details>"
        )

    def visit_table(self, node: nodes.table) -> None:
        if self.mode() == INLINE:
            self.words(node)
            return
        titles, rows = [], []
        for child in node.children:
            self.expect(child, nodes.title, nodes.tgroup)
            if isinstance(child, nodes.title):
                titles.append(self.inline(child))
                continue
            for part in child.children:
                self.expect(part, nodes.colspec, nodes.thead, nodes.tbody)
                for row in part.children if not isinstance(part, nodes.colspec) else []:
                    self.expect(row, nodes.row)
                    rows.append([self.cell(entry) for entry in row.children])
        if not rows:
            self.write("")
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "|" + "---|" * width)
        self.write("\n".join(([f"*{titles[0]}*", ""] if titles else []) + lines))

    def cell(self, entry: nodes.Node) -> str:
        self.expect(entry, nodes.entry)
        for paragraph in entry.children:
            self.expect(paragraph, nodes.paragraph)
        return " ".join(self.inline(p) for p in entry.children).replace("|", "\\|")

    def visit_line_block(self, node: nodes.line_block) -> None:
        if self.mode() == INLINE:
            self.words(node)
            return
        self.write("  \n".join(self.inline(line) for line in node.findall(nodes.line)))

    def visit_raw(self, node: nodes.raw) -> None:
        if self.mode() == INLINE:  # its text, as text
            self.words(node)
            return
        self.write(node.astext() if "html" in node.get("format", "").split() else "")

    def visit_compound(self, node: nodes.compound) -> None:
        if "toctree-wrapper" in node["classes"]:
            self.skip(node)
        self.visit_container(node)

    # A figure from a file shows its caption and legend; a container, its blocks
    visit_figure = visit_legend = visit_container
    depart_figure = depart_legend = depart_compound = depart_container = depart
    depart_rubric = depart_title = depart_bullet_list = depart
    depart_enumerated_list = depart_definition_list = depart_field_list = depart
    depart_admonition = depart_attention = depart_caution = depart_danger = depart
    depart_error = depart_hint = depart_important = depart_note = depart_tip = depart
    depart_warning = depart_seealso = depart_topic = depart_sidebar = depart
    depart_block_quote = depart_question = depart_table = depart_line_block = depart
    depart_raw = depart

    # --- Inline -------------------------------------------------------------------------------
    def visit_Text(self, node: nodes.Text) -> None:  # noqa: N802 (docutils' name)
        self.write(escape(node.astext()) if self.mode() == INLINE else "")

    def visit_math(self, node: nodes.math) -> None:
        self.write(f"${node.astext().strip()}$")

    def visit_literal(self, node: nodes.literal) -> None:
        self.write(code_span(node.astext()))

    # Text whose markup the notebook does not show: its words
    visit_inline = visit_caption = visit_term = visit_foreign = words
    visit_subscript = visit_superscript = visit_abbreviation = visit_title_reference = words
    visit_field_name = visit_line = visit_question_prompt = visit_question_option = words
    depart_inline = depart_caption = depart_term = depart_foreign = depart
    depart_subscript = depart_superscript = depart_abbreviation = depart_title_reference = depart
    depart_field_name = depart_line = depart_question_prompt = depart_question_option = depart

    visit_emphasis = visit_strong = visit_reference = words

    def depart_emphasis(self, node: nodes.emphasis) -> None:
        text = self.close()
        self.emit(f"*{text}*" if text.strip() else text)

    def depart_strong(self, node: nodes.strong) -> None:
        text = self.close()
        self.emit(f"**{text}**" if text.strip() else text)

    def depart_reference(self, node: nodes.reference) -> None:
        text = self.close()
        uri = node.get("refuri", "")
        # Links to other pages of the book would not work from a notebook: their words stay.
        external = text.strip() and uri.startswith(("http:", "https:", "mailto:"))
        self.emit(f"[{text}]({uri})" if external else text)

    # --- Where --------------------------------------------------------------------------------
    def expect(self, node: nodes.Node, *kinds: type) -> None:
        """``node`` is one of ``kinds`` (a part of a structure its parent writes), or an error."""
        if not isinstance(node, kinds):
            self.unknown_visit(node)

    def line_of(self, node: nodes.Node, default: int) -> int:
        for each in node.findall(nodes.Element):
            if each.line:
                return each.line
        return default

    def line_near(self, node: nodes.Node) -> int:
        """The line of ``node`` in the source, or of the nearest node around it that has one."""
        while node is not None:
            if line := self.line_of(node, 0):
                return line
            node = node.parent
        return 0


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
