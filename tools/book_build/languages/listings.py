"""Sphinx extension: the code a page shows in the reader's language, and the code that ran.

A chapter shows the package's functions with ``literalinclude`` (``:pyobject:``), its own code
cells, and Python blocks (an exercise's solution). In an edition other than the source's, each
docstring and comment of that code is replaced by its translation from
``locales/<lang>/LC_MESSAGES/listings.po``; so is every code cell of the edition's notebook,
the cells the page hides included (see :func:`translator`); nothing else is. The result is then
tokenized again: if anything but a comment or a docstring differs from the source (a translation
that closes its string, or adds a line of code), the build stops, naming the catalog entry.
``book_build.commands.translate`` extracts the messages (:func:`messages`).
"""

import ast
import functools
import io
import re
import textwrap
import tokenize
from pathlib import Path

import polib
from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.pycode import ModuleAnalyzer
from sphinx.transforms import SphinxTransform

from book_build import project

DOMAIN = "listings"
PACKAGE = project.REPO / "code" / "descent"
INCLUDE = re.compile(r"^`{3,}\{literalinclude\} (\S+)\n:pyobject: (\S+)$", re.M)
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```[ \t]*$", re.S | re.M)
DOCSTRING_QUOTES = re.compile(r'^([rRbBuU]*)("""|\'\'\'|"|\')(.*)\2$', re.S)
PRAGMA = re.compile(r"^(fmt|noqa|type|pragma)\b")  # for the tools, not the reader


def docstring_rows(code: str) -> set[int]:
    """The first row of every docstring in ``code`` (a function, a class, a module)."""
    tree = ast.parse(textwrap.dedent(code))
    rows = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                rows.add(body[0].lineno)
    return rows


def split_docstring(token: tokenize.TokenInfo) -> tuple[str, str, str]:
    """A docstring token as (opening, message, closing): the message without its quotes, its
    continuation lines without the indentation of the code, and without trailing blank space."""
    prefix, quotes, inside = DOCSTRING_QUOTES.match(token.string).groups()
    message = inside.rstrip()
    indent = " " * token.start[1]
    lines = message.split("\n")
    message = "\n".join([lines[0], *(line.removeprefix(indent) for line in lines[1:])])
    return prefix + quotes, message, inside[len(inside.rstrip()) :] + quotes


def indented(message: str, indent: str) -> str:
    first, *rest = message.split("\n")
    return "\n".join([first, *(indent + line if line else line for line in rest)])


def units(code: str) -> list[tuple[tokenize.TokenInfo, str]]:
    """Each comment and docstring token of ``code``, with the message a translator sees."""
    rows = docstring_rows(code)
    found = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        comment = token.string.removeprefix("#").strip()
        if token.type == tokenize.COMMENT and comment and not PRAGMA.match(comment):
            found.append((token, comment))
        elif token.type == tokenize.STRING and token.start[0] in rows:
            found.append((token, split_docstring(token)[1]))
    return found


def translated(code: str, translate) -> str:
    """``code`` with each comment and docstring replaced by ``translate(message)``."""
    lines = code.splitlines(keepends=True)
    for token, message in reversed(units(code)):  # from the end: positions stay valid
        new = translate(message)
        if token.type == tokenize.COMMENT:
            text = "# " + new
        else:
            opening, _message, closing = split_docstring(token)
            text = opening + indented(new, " " * token.start[1]) + closing
        (row, col), (end_row, end_col) = token.start, token.end
        before, after = lines[row - 1][:col], lines[end_row - 1][end_col:]
        lines[row - 1 : end_row] = [before + text + after]
    return "".join(lines)


def code_tokens(code: str) -> list[tuple[int, str]]:
    """The tokens that make the code run: no comment, no docstring, no layout."""
    rows = docstring_rows(code)
    ignored = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    return [
        (t.type, t.string)
        for t in tokenize.generate_tokens(io.StringIO(code).readline)
        if t.type not in ignored and not (t.type == tokenize.STRING and t.start[0] in rows)
    ]


def same_code(source: str, shown: str) -> bool:
    try:
        return code_tokens(shown) == code_tokens(source)
    except (SyntaxError, tokenize.TokenError, IndentationError):
        return False


def listing(path: Path, name: str) -> str:
    """The source of ``name`` in the module at ``path``, as ``:pyobject:`` shows it."""
    tags = ModuleAnalyzer.for_file(str(path), "").find_tags()
    _kind, start, end = tags[name]
    return "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[start - 1 : end])


def page_code(text: str) -> list[str]:
    """The code of a page's Markdown: its code cells (without their options), the hidden ones
    too, since the chapter's notebook shows them, and its Python blocks."""
    cells = CELL.findall(text)
    code = ["\n".join(line for line in c.split("\n") if not line.startswith(":")) for c in cells]
    return code + PYTHON_BLOCK.findall(text)


def messages(book: Path = project.BOOK) -> dict[str, list[str]]:
    """Every message of the code the book shows, with where it comes from."""
    found: dict[str, list[str]] = {}
    for page in sorted(book.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        shown = [(listing((page.parent / include).resolve(), name), f"{include}:{name}")
                 for include, name in INCLUDE.findall(text)]  # fmt: skip
        shown += [(code, f"book/{page.name}") for code in page_code(text)]
        for code, where in shown:
            where = where.removeprefix("../")
            for _token, message in units(code):
                found.setdefault(message, [])
                if where not in found[message]:
                    found[message].append(where)
    return found


def catalog(lang: str) -> tuple[Path, dict[str, polib.POEntry]] | None:
    """The translated entries of ``lang``'s listings catalog, or None for the source language."""
    po_path = project.catalog_dir(lang) / f"{DOMAIN}.po"
    if lang == project.source_language() or not po_path.is_file():
        return None
    return po_path, translated_entries(str(po_path), po_path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def translated_entries(path: str, mtime_ns: int) -> dict[str, polib.POEntry]:
    """Read once per version of the file, not once per page and notebook."""
    return {e.msgid: e for e in polib.pofile(path) if e.translated() and not e.obsolete}


def translator(lang: str):
    """A function that writes a piece of code's comments and docstrings in ``lang`` (a code cell
    of a chapter's notebook, shown on the page or not), checked as a page's listings are."""
    found = catalog(lang)
    if found is None:
        return lambda code: code
    po_path, entries = found

    def translate(code: str) -> str:
        first = code.strip().split("\n")[0]
        return checked(code, po_path, entries, f"a notebook's code cell ({first})")

    return translate


def shown_code(block: nodes.literal_block) -> bool:
    """A listing of the package, a code cell's source, or a Python block (not an output)."""
    if Path(block.get("source", "")).resolve().is_relative_to(PACKAGE):
        return True
    if block.parent is not None and block.parent.get("nb_element") == "cell_code_source":
        return True
    return block.get("language") == "python" and "output" not in block["classes"]


def alone(source: str, entry: polib.POEntry) -> str:
    """``source`` with only ``entry`` translated: which entry broke the code."""
    return translated(source, lambda m: entry.msgstr if m == entry.msgid else m)


def checked(source: str, po_path: Path, entries: dict[str, polib.POEntry], what: str) -> str:
    """``source`` translated by ``entries``, or an error naming the entries that change its
    code (``what`` says where the code is shown)."""
    shown = translated(source, lambda m: entries[m].msgstr if m in entries else m)
    if not same_code(source, shown):
        used = [entries[m] for _token, m in units(source) if m in entries]
        wrong = [e for e in used if not same_code(source, alone(source, e))]
        where = ", ".join(f"{po_path}:{e.linenum}" for e in wrong or used)
        raise ExtensionError(
            f"{where}: a translated comment or docstring changes the code of {what}: "
            "translate words only, and keep the quotes out"
        )
    return shown


class TranslateListings(SphinxTransform):
    """Every listing of the package, in the edition's language (read time: the page depends
    on the catalog, so editing a translation rebuilds the pages that show it, and the chapters,
    whose notebooks show every code cell in the edition's language)."""

    def apply(self, **kwargs) -> None:
        blocks = [b for b in self.document.findall(nodes.literal_block) if shown_code(b)]
        chapter = project.is_chapter(Path(self.env.doc2path(self.env.docname)))
        found = catalog(self.config.language or project.source_language())
        if found is None or not (blocks or chapter):
            return
        po_path, entries = found
        self.env.note_dependency(str(po_path))
        for block in blocks:
            what = f"a listing of {block.get('source', self.env.docname)}"
            shown = checked(block.astext(), po_path, entries, what)
            block[:] = [nodes.Text(shown)]
            block.rawsource = shown  # equal to its text: Sphinx highlights it as code
