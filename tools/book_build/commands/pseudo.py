"""The pseudo-locale check: every word a reader sees goes through a catalog, and the layout takes
text a third longer.

    python -m book_build.commands.pseudo [--lang es] [--keep DIR]

It copies the project into a temporary folder, rewrites every catalog of the edition (the pages',
``descent.po`` for the figures, ``book_build.po`` and ``sphinx.po`` for the interface,
``listings.po`` for the code's comments) with a pseudo-translation of each message: every ASCII
letter becomes an accented one (``gradient`` → ``ĝĝŕáďďíéññţ``) and every word grows by a third,
while roles, math, code, glue, placeholders (``%(x)s``, ``{x}``) and markup stay exactly as they
are, so the edition still builds with ``-n -W``. It builds that edition under its own code (so
Babel still writes its numbers), then reads everything a reader sees:

- every HTML page: its text, its ``alt``, ``title``, ``aria-label`` and ``placeholder``
  attributes, the words of its questions, players (``data-labels``) and explorers (their SVG,
  and the data a slider shows), and the comments of its code; not the code, the math, the
  numbers, nor the English a translated page carries on purpose (``_static/english/``);
- every notebook: its Markdown cells and the comments of its code cells;
- every text of every figure and animation frame the chapters draw (a hook in the kernel writes
  them down as matplotlib saves each figure).

A run of ASCII letters in any of them skipped translation: the check names the page (or chapter)
and the text, and fails. ``nox -s translations -- --pseudo`` runs it; a clean build of the whole
book, so it takes as long as one (see CONTRIBUTING.md).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

import polib

from book_build import project
from book_build.execution import warm
from book_build.languages import listings, markup

# --- The pseudo-translation ------------------------------------------------------------------
LOWER = "áƀçďéƒĝĥíĵķľḿñóṕǫŕšţúṽŵẋýž"
UPPER = "ÁɃÇĎÉƑĜĤÍĴĶĽḾÑÓṔǪŔŠŢÚṼŴẊÝŽ"
ACCENTED = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", LOWER + UPPER)
MARKED = set(LOWER + UPPER)

# What a translation must carry over unchanged, first match wins. A role is handled apart.
KEPT = re.compile(
    r"""
      (?P<role>\{(?P<name>[\w:-]+)\}`(?P<body>[^`]*)`)   # {doc}`target`, {glue:text}`key:.2f`
    | (?P<rst>:[\w:-]+:`[^`]*`)                          # :func:`name` in a docstring
    | \$\$.+?\$\$ | (?<!\\)\$[^$]+\$                     # math
    | ``.+?`` | `[^`]+`                                  # code
    | \]\([^)\s]*\)                                      # a link's target
    | \[\^[^\]]+\]                                       # a footnote
    | \{\{.*?\}\}                                        # a substitution
    | %\([\w-]+\)[#0 +-]*\d*(?:\.\d+)?[sdifr] | %[sdifr%] # printf placeholders
    | \{[\w.]*(?:![rsa])?(?::[^{}]*)?\}                  # format placeholders: {n}, {x:.0f}
    | <code>.*?</code>                                   # code in an interface string
    | <[^<>\s][^<>]*>                                    # HTML tags, autolinks
    | &\#?\w+;                                           # HTML entities
    | https?://\S+ | \\[^\s<]                            # URLs, escapes
    """,
    re.S | re.X,
)
EXPLICIT = re.compile(r"(.*?)(\s*<[^<>]+>)$", re.S)  # {doc}`text <target>`
WORD = re.compile(r"[A-Za-z]+")
LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")


def pseudo_words(text: str) -> str:
    """Every word of plain text accented and a third longer (every third letter twice)."""

    def word(match: re.Match) -> str:
        letters = match.group(0)
        return "".join(c * 2 if i % 3 == 0 else c for i, c in enumerate(letters)).translate(
            ACCENTED
        )

    return WORD.sub(word, text)


def pseudo_role(name: str, body: str) -> str:
    explicit = EXPLICIT.match(body)
    if name == "term" and not explicit:  # as the translators write it: {term}`text <target>`
        return f"{pseudo_words(body)} <{body}>"
    if explicit and not name.startswith("glue"):  # the text a reader sees; the target stays
        return pseudo(explicit.group(1)) + explicit.group(2)
    return body


def pseudo(text: str) -> str:
    """``text`` pseudo-translated: its words marked and longer, its markup untouched."""
    out, end = [], 0
    for match in KEPT.finditer(text):
        out.append(pseudo_words(text[end : match.start()]))
        if match.group("role"):
            name, body = match.group("name"), match.group("body")
            out.append(f"{{{name}}}`{pseudo_role(name, body)}`")
        else:
            out.append(match.group(0))
        end = match.end()
    out.append(pseudo_words(text[end:]))
    return "".join(out)


def is_math(message: str) -> bool:
    """A display equation of a page (Sphinx extracts its LaTeX as a message): kept as it is."""
    if "$" in message or "`" in message or re.search(r"</?[a-z]+[ >]", message):
        return False  # prose with math in it, or an interface string (HTML)
    return bool(LATEX_COMMAND.search(message))


def pseudo_catalog(po_path: Path) -> int:
    """Rewrite every message of ``po_path`` with its pseudo-translation; return how many."""
    po = polib.pofile(str(po_path))
    count = 0
    for entry in po:
        if entry.obsolete:
            continue
        entry.msgstr = entry.msgid if is_math(entry.msgid) else pseudo(entry.msgid)
        if entry.msgid_plural:
            entry.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
            entry.msgstr = ""
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        count += 1
    po.save()
    return count


# Sphinx's and the theme's own catalogs of the "sphinx" domain: after ours, they translate the
# words of the theme (its buttons, the search page). Their messages join the pseudo edition's
# sphinx.po, so that their words count as translated: they come from a catalog.
DEPENDENCY_CATALOGS = ("sphinx", "pydata_sphinx_theme")


def dependency_messages(lang: str) -> list[polib.MOEntry]:
    import importlib

    entries = []
    for name in DEPENDENCY_CATALOGS:
        folder = Path(importlib.import_module(name).__file__).parent
        for mo in sorted(folder.glob(f"locale/{lang}/LC_MESSAGES/sphinx.mo")):
            entries += [entry for entry in polib.mofile(str(mo)) if entry.msgid]
    return entries


def pseudo_catalogs(catalog_dir: Path) -> dict[str, int]:
    sphinx_po = catalog_dir / "sphinx.po"
    if sphinx_po.exists():
        po = polib.pofile(str(sphinx_po))
        ours = {entry.msgid for entry in po}
        for entry in dependency_messages(catalog_dir.parent.name):
            if entry.msgid not in ours:
                ours.add(entry.msgid)
                po.append(polib.POEntry(msgid=entry.msgid, msgid_plural=entry.msgid_plural))
        po.save()
    return {po.stem: pseudo_catalog(po) for po in sorted(catalog_dir.glob("*.po"))}


# --- What a reader sees ----------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    where: str  # a page, notebook or chapter
    what: str  # text, an attribute, a figure...
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.text[:100]!r}"


# Elements whose text is not words to translate (code, math, scripts, hidden machinery).
SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "math", "template", "head"}
SKIPPED_CLASSES = {
    "highlight",  # code listings: their comments are checked apart
    "citation",  # a bibliography entry: authors and titles stay in their language
    "bibtex",
    "language-switch-name",
}
CHECKED_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "aria-description")
COMMENT_CLASSES = {"c", "c1", "cm", "ch", "cs", "sd"}  # Pygments' comments and docstrings
PRAGMA = re.compile(r"#?\s*\b(fmt|noqa|type|pragma):.*")  # for the tools, never translated
# Runs of letters that are no words: numbers in scientific notation (1e-06), hexadecimal.
NOT_WORDS = re.compile(r"\b\d+(?:\.\d+)?e[-+−]?\d+\b|\b0x[0-9a-f]+\b|\$[^$]*\$", re.I)
IDENTIFIER = re.compile(r"^[a-z][\w.-]*$")  # keys and names in data: mark types, ids


def unmarked(text: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """The words of ``text`` that skipped translation (joined), or None."""
    text = NOT_WORDS.sub(" ", KEPT.sub(" ", text))  # code, math, placeholders, URLs
    for name in allowed:
        text = text.replace(name, " ")
    words = [w for w in re.findall(r"[\w’'.-]*\w", text) if not MARKED & set(w)]
    words = [w for w in words if not re.search(r"[a-z][._][a-z]", w)]  # torch.optim, max_steps
    # A single letter is a variable (x₁), or an option's letter (A, B): not a word to translate.
    words = [w for w in words if any(len(run) > 1 for run in WORD.findall(w))]
    return " ".join(words) if words else None


def allowed_names() -> frozenset[str]:
    """What every edition shows as it is: each edition's name and title (languages.toml)."""
    editions = project.languages().values()
    return frozenset(edition[key] for edition in editions for key in ("name", "title"))


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def html_findings(page: Path, where: str, allowed: frozenset[str]) -> list[Finding]:
    import lxml.html

    tree = lxml.html.parse(str(page))
    found: list[Finding] = []

    def add(what: str, text: str) -> None:
        text = " ".join(text.split())
        if text and unmarked(text, allowed):
            found.append(Finding(where, what, text))

    def walk(element, skipped: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if not tag:
            return  # a comment or processing instruction
        here = classes(element)
        hidden = element.get("hidden") is not None
        skip = skipped or tag in SKIPPED_TAGS or bool(here & SKIPPED_CLASSES) or hidden
        if skipped is False and "highlight" in here:
            for span in element.iter("span"):
                if classes(span) & COMMENT_CLASSES:
                    add(f"code comment in <{tag}>", PRAGMA.sub("", span.text_content()))
        if not skip:
            add(f"<{tag}>", element.text or "")
            for name in CHECKED_ATTRIBUTES:
                if name == "title" and tag == "a" and "reference" in here:
                    continue  # a link's tooltip repeats its target: a citation's entry
                if element.get(name):
                    add(f"{name}= of <{tag}>", element.get(name))
            if tag == "meta" and element.get("name") in ("description", "og:description"):
                add("meta description", element.get("content", ""))
            for name, value in element.attrib.items():
                if name.startswith("data-") and value.lstrip().startswith("{"):
                    for text in json_strings(value):
                        add(f"{name}= of <{tag}>", text)
        for child in element:
            walk(child, skip)
            if not skip and child.tail:
                add(f"<{tag}>", child.tail)

    walk(tree.getroot(), False)
    for script in tree.getroot().iter("script"):
        if script.get("type") == "application/json" and script.text:
            for text in json_strings(script.text):
                add("explorer data", text)
    return found


def json_strings(text: str) -> list[str]:
    """Every string value (not key) of a JSON document that is not an identifier."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and not IDENTIFIER.match(value):
            found.append(value)

    walk(data)
    return found


def explorer_findings(static: Path, allowed: frozenset[str]) -> list[Finding]:
    found = []
    for script in sorted((static / "explorers").glob("*.js")):
        data = script.read_text(encoding="utf-8").partition("] = ")[2].rstrip().rstrip(";")
        for text in json_strings(data):
            if unmarked(text, allowed):
                found.append(Finding(f"_static/explorers/{script.name}", "explorer data", text))
    return found


FENCE = re.compile(r"^```.*?^```", re.S | re.M)
ENTITY = re.compile(r"&\#?\w+;")


def markdown_words(text: str) -> str:
    """Markdown with its code, math, link targets, tags and entities left out."""
    for pattern in (FENCE, markup.MATH, markup.CODE, markup.LINK, markup.HTML_TAG, markup.URL,
                    ENTITY):  # fmt: skip
        text = pattern.sub(" ", text)
    return text


def code_comments(code: str) -> list[str]:
    """The comments of a code cell, as listings.po offers them, pragmas left out."""
    try:
        units = listings.units(code)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []  # a cell of IPython magics
    return [PRAGMA.sub("", comment) for token, comment in units if token.type == tokenize.COMMENT]


def notebook_findings(notebook: Path, where: str, allowed: frozenset[str]) -> list[Finding]:
    found = []
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells, 1):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            texts = [line for line in markdown_words(source).splitlines()]
        else:
            texts = code_comments(source)
        for text in texts:
            if unmarked(text, allowed):
                found.append(Finding(where, f"cell {number} ({cell['cell_type']})", text.strip()))
    return found


# --- Figures: what matplotlib draws in the kernels ----------------------------------------------
# Put first on the kernel's path as sitecustomize.py: each figure matplotlib saves (a chapter's
# outputs, each frame of an animation) has its visible texts written to FIGURE_LOG, with the
# source of the cell that drew it.
HOOK = textwrap.dedent('''
    import importlib.abc, importlib.util, json, os, sys

    def logged(print_figure):
        def logging_print_figure(self, *args, **kwargs):
            result = print_figure(self, *args, **kwargs)
            log = os.path.join(os.environ["BOOK_PSEUDO_FIGURES"], f"{os.getpid()}.jsonl")
            try:
                from IPython import get_ipython
                from matplotlib.text import Text

                texts = [t.get_text() for t in self.figure.findobj(Text)
                         if t.get_visible() and t.get_text().strip()]
                history = getattr(get_ipython(), "user_ns", {}).get("In", [""])
                row = {"texts": texts, "cell": history[-1], "first": history[1:3]}
                with open(log, "a", encoding="utf-8") as out:
                    out.write(json.dumps(row) + "\\n")
            except Exception as error:  # never break the chapter
                print("pseudo hook:", error, file=sys.stderr)
            return result

        return logging_print_figure

    class Hook(importlib.abc.MetaPathFinder):
        """Patch matplotlib when the kernel imports it (importing it here, before ipykernel
        chose the inline backend, would change the backend)."""

        def find_spec(self, name, path, target=None):
            if name != "matplotlib.backend_bases":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                canvas = module.FigureCanvasBase
                canvas.print_figure = logged(canvas.print_figure)

            spec.loader.exec_module = exec_module
            return spec

    # A kernel, or the process the build forks kernels from (execution.warm).
    started = " ".join(getattr(sys, "orig_argv", sys.argv))
    if "ipykernel_launcher" in started or "WARM_MODULE" in started:
        sys.meta_path.insert(0, Hook())
''').replace("WARM_MODULE", warm.__name__)


def chapter_of(cells: list[str], book: Path) -> str:
    """The chapter whose source holds these cells (the kernel does not know its notebook)."""
    code = [c.strip() for c in cells if c.strip()]
    for page in project.chapters(book):
        text = page.read_text(encoding="utf-8")
        if code and all(c.splitlines()[-1] in text for c in code):
            return page.name
    return "a chapter"


def figure_findings(log_dir: Path, book: Path, allowed: frozenset[str]) -> list[Finding]:
    found, seen = [], set()
    for log in sorted(log_dir.glob("*.jsonl")):
        rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        if not rows:
            continue
        chapter = chapter_of(rows[0]["first"], book)
        for row in rows:
            for text in row["texts"]:
                if (chapter, text) not in seen and unmarked(text, allowed):
                    seen.add((chapter, text))
                    cell = row["cell"].strip().splitlines()[-1] if row["cell"].strip() else ""
                    found.append(Finding(chapter, f"figure drawn by `{cell[:60]}`", text))
    return found


def check_site(site: Path, figures: Path | None = None, book: Path = project.BOOK) -> list[Finding]:
    """Every text of the built edition at ``site`` that is not pseudo-translated."""
    allowed = allowed_names()
    found: list[Finding] = []
    for page in sorted(site.rglob("*.html")):
        if "_static" not in page.parts:
            found += html_findings(page, str(page.relative_to(site)), allowed)
    found += explorer_findings(site / "_static", allowed)
    for notebook in sorted(site.glob("*.ipynb")):
        found += notebook_findings(notebook, notebook.name, allowed)
    if figures is not None:
        found += figure_findings(figures, book, allowed)
    return found


# --- The command ------------------------------------------------------------------------------
def build(root: Path, lang: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Build edition ``lang`` of the project at ``root``; return the result and the figure log."""
    hook, figures = root / "_build" / "pseudo-hook", root / "_build" / "pseudo-figures"
    for folder in (hook, figures):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    path = os.pathsep.join(str(folder) for folder in (root / "code", root / "tools", hook))
    env = {**os.environ, "PYTHONPATH": path, "BOOK_PSEUDO_FIGURES": str(figures)}
    result = subprocess.run(
        [sys.executable, "-m", "book_build.commands.build", lang], cwd=root, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return result, figures


def check_project(root: Path, lang: str) -> int:
    """Pseudo-translate ``root``'s catalogs of ``lang``, build that edition, check what it
    shows; print the report and return the exit code."""
    counts = pseudo_catalogs(project.catalog_dir(lang, root / "locales"))
    print(f"pseudo-translated {sum(counts.values())} messages in {len(counts)} catalogs of {lang}")
    start = time.monotonic()
    result, figures = build(root, lang)
    print(f"built the pseudo edition in {time.monotonic() - start:.0f} s")
    if result.returncode:
        print(result.stdout[-6000:])
        print(
            "error: the pseudo-translated edition does not build. If a message's markup was "
            "not kept, teach book_build.commands.pseudo.KEPT to keep it.",
            file=sys.stderr,
        )
        return 1
    findings = check_site(root / "_build" / "html" / lang, figures, root / "book")
    for finding in findings:
        print(f"untranslated: {finding}")
    if findings:
        print(
            f"\n{len(findings)} text(s) skipped translation. A page's: is its message in the "
            "catalog (`nox -s translations`)? A template's: wrap it in {{ _('…') }}. A figure's: "
            "write it as _('…') (descent.i18n). A Python extension's: _() of book_build.",
            file=sys.stderr,
        )
        return 1
    print(f"{lang}: every text the pseudo edition shows is translated")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lang",
        default=list(project.languages())[-1],
        help="the edition to build (its Babel locale writes the numbers)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--keep", type=Path, help="build in this folder and keep it")
    where.add_argument(
        "--in-place",
        action="store_true",
        help="rewrite this project's own catalogs and build it (for a throwaway copy)",
    )
    args = parser.parse_args(argv)
    if args.in_place:
        return check_project(project.REPO, args.lang)
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        project.copy_project(args.keep)
        return check_project(args.keep.resolve(), args.lang)
    with tempfile.TemporaryDirectory(prefix="book-pseudo-") as tmp:
        project.copy_project(Path(tmp))
        return check_project(Path(tmp), args.lang)


if __name__ == "__main__":
    sys.exit(main())
