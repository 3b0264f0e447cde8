"""Every chapter's notebook, run as a reader runs it.

For each chapter: the files the page's "Run this chapter yourself" box offers are copied from
the built site into an empty folder; the notebook runs top to bottom, with nbclient, in a fresh
virtual environment that holds only Jupyter's kernel (its first cell installs the rest, as the
page says); every output the page shows must come out the same, byte for byte (numbers as the
page prints them). So this is where the chapters' outputs are shown to be reproducible: run
again, elsewhere, from the wheel. One environment serves every notebook: installing PyTorch is
the slow part.

Each chapter runs in one edition, the editions taking turns in the order of the chapters, so
every edition's notebooks and the wheel's catalogs are run as downloaded: the code of a
chapter's notebooks is the same in every edition but for ``DESCENT_LANG`` and comments (checked
for every chapter below), and the site's build has already run each chapter in each edition.
``--chapter NAME`` runs that chapter's notebook in every edition.

This machine reaches no index but PyPI, so the reader's environment keeps pip's own extra index
(where the local CPU wheel of PyTorch is) instead of PyTorch's, through PIP_EXTRA_INDEX_URL, which
the notebook's first cell leaves alone when it is set.
"""

import ast
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache

from book_build import project
from book_build.languages import listings
from conftest import REPO
from descent.numbers import localized

LANGUAGES = list(project.languages())
CHAPTERS = [p.stem for p in project.chapters()]

EXECUTE = """
import sys
import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
NotebookClient(notebook, timeout=900, kernel_name="python3").execute()
nbformat.write(notebook, path)
"""


# --- The reader's side ------------------------------------------------------------------------
def pip_extra_index() -> str | None:
    """The extra index pip is configured with here, if any (the local PyTorch CPU wheel)."""
    if os.environ.get("PIP_EXTRA_INDEX_URL"):
        return os.environ["PIP_EXTRA_INDEX_URL"]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.extra-index-url"],
        capture_output=True, text=True,
    )  # fmt: skip
    return " ".join(result.stdout.split()) or None


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> dict:
    """A fresh virtual environment with Jupyter's kernel and nbclient, and nothing of the book;
    and the environment variables of a reader's shell that has it activated."""
    root = tmp_path_factory.mktemp("reader")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    foreign = ("PYTHON", "VIRTUAL_ENV", "DESCENT_", "JUPYTER", "MPL")  # of this test's own run
    env = {k: v for k, v in os.environ.items() if not k.startswith(foreign)}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    env["JUPYTER_DATA_DIR"] = str(root / "jupyter")  # no kernel of this machine's user
    if extra := pip_extra_index():
        env["PIP_EXTRA_INDEX_URL"] = extra
    # pip byte-compiles every module it installs (PyTorch's thousands); Python compiles the ones
    # a chapter imports as it imports them. Install and first import: 23 s here, not 42.
    env["PIP_NO_COMPILE"] = "1"
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet",
         "-c", REPO / "constraints.txt", "ipykernel", "nbclient"],
        check=True, env=env,
    )  # fmt: skip
    return env


def run_notebook(notebook: Path, env: dict) -> nbformat.NotebookNode:
    """Run ``notebook`` top to bottom in its folder, as Jupyter's "Run all" does."""
    result = subprocess.run(
        ["python", "-c", EXECUTE, notebook.name],
        cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert result.returncode == 0, f"{notebook.name} failed:\n{result.stderr[-6000:]}"
    return nbformat.read(notebook, as_version=4)


class Downloads(HTMLParser):
    """The links of the "Run this chapter yourself" box: downloads, and launch buttons."""

    def __init__(self):
        super().__init__()
        self.inside, self.downloads, self.links = 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "aside" and "run-yourself" in (attrs.get("class") or ""):
            self.inside += 1
        elif self.inside and tag == "a":
            (self.downloads if "download" in attrs else self.links).append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "aside" and self.inside:
            self.inside -= 1


def box(page: Path) -> Downloads:
    parser = Downloads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


# --- What the page shows ----------------------------------------------------------------------
def glue_of(root: Path, lang: str, page: str) -> dict:
    """What the page's build glued: ``{name: {mime type: data}}`` (myst-nb's own record)."""
    record = root / "_build" / "editions" / lang / "jupyter_execute" / f"{page}.glue.json"
    return {name: output["data"] for name, output in json.loads(record.read_text()).items()}


def shown(notebook: nbformat.NotebookNode) -> dict[str, list[dict]]:
    """What the executed notebook showed for each glued name (descent.glue marks its outputs)."""
    found: dict[str, list[dict]] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("descent", {}).get("glue")
            if name:
                found.setdefault(name, []).append(output["data"])
    return found


# How a page prints a glued value: {glue:text}`name:spec`, or whole with {glue}, {glue:any}
PRINTED = re.compile(r"\{glue(?::text|:any|:)?\}`([\w-]+)(?::([^`]*))?`")


def printed(text_plain: str, spec: str, lang: str | None = None) -> str:
    """A glued value as myst-nb prints it: formatted with ``spec``, a string without its quotes;
    and with ``lang``, as the page of that edition writes it (the numbers the edition's way)."""
    value = ast.literal_eval(text_plain)
    text = format(value, spec) if spec else value if isinstance(value, str) else text_plain
    return localized(text, lang) if lang else text


def assert_shows_what_the_page_shows(notebook, glued: dict, source: str) -> None:
    """Every value the page glues is shown, named; every number the page prints, the same;
    every figure, the same image, byte for byte (labels in the same language)."""
    outputs = shown(notebook)
    for name, data in glued.items():
        assert name in outputs, f"the page glues {name!r}; the notebook never shows it"
        if "image/png" in data:  # the page keeps a PDF too, for the book on paper
            figures = [mine.get("image/png") for mine in outputs[name]]
            assert data["image/png"] in figures, f"{name!r} is not the page's figure"
        elif set(data) != {"text/plain"}:
            assert any(mine == data for mine in outputs[name]), f"{name!r} is not the page's"
    for name, spec in PRINTED.findall(source):
        value = outputs[name][0]["text/plain"].removeprefix(f"{name} = ")
        expected = printed(glued[name]["text/plain"], spec)
        assert printed(value, spec) == expected, f"{name}: {printed(value, spec)} != {expected}"


def executed(lang: str, page: str) -> nbformat.NotebookNode:
    """The page's notebook as the build ran it: the edition's execution cache, whose outputs
    the page shows. (Not myst-nb's copy in jupyter_execute/, which each builder of the edition
    writes again: after the whole book's build in CI, some had no outputs at all.)"""
    cache = get_cache(str(project.execution_cache(lang)))
    uri = str(project.BOOK / f"{page}.md")
    records = [record for record in cache.list_cache_records() if record.uri == uri]
    used = max(records, key=lambda record: record.accessed)  # the last build read this one
    return cache.get_cache_bundle(used.pk).nb


def unglued(cell: nbformat.NotebookNode) -> list:
    """What a code cell shows besides glued values (checked by name): the data of each result
    and display, then all it printed (the build merges a cell's printing into one output)."""
    kept = [o for o in cell.outputs if not {"scrapbook", "descent"} & set(o.get("metadata", {}))]
    printed = "".join(o.text for o in kept if o.output_type == "stream" and o.name == "stdout")
    return [o.data for o in kept if "data" in o] + ([printed] if printed else [])


HIDDEN = {"remove-cell", "remove-output"}  # myst-nb's tags for outputs a page leaves out


def assert_same_other_outputs(notebook, page) -> None:
    """Every other output of the page's cells, byte for byte. The page's code cells are the
    notebook's, in order, but for its setup cell (the first) and the cells that show a glued
    figure (``paste``)."""
    ran = [c for c in notebook.cells if c.cell_type == "code"][1:]
    mine = [c for c in ran if not c.source.startswith("paste(")]
    theirs = [c for c in page.cells if c.cell_type == "code"]
    assert len(mine) == len(theirs), "the notebook's code cells are not the page's"
    for cell, page_cell in zip(mine, theirs, strict=True):
        if HIDDEN & set(page_cell.metadata.get("tags", [])):
            continue  # the page does not show it (a figure a hidden cell glued, say)
        assert unglued(cell) == unglued(page_cell), f"not the page's output:\n{cell.source}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The editions a reader's run of each chapter covers: every one for ``--chapter``, else the
    editions in turn (chapter i in edition i mod n)."""
    if metafunc.definition.name != "test_a_reader_runs_the_chapter_as_its_page_says":
        return
    every = metafunc.config.getoption("chapter")
    runs = [
        (lang, chapter)
        for i, chapter in enumerate(CHAPTERS)
        for lang in (LANGUAGES if every else [LANGUAGES[i % len(LANGUAGES)]])
    ]
    metafunc.parametrize(("lang", "chapter"), runs, ids=[f"{c}-{lang}" for lang, c in runs])


def test_a_reader_runs_the_chapter_as_its_page_says(site, reader, tmp_path, lang, chapter):
    page = site / lang / f"{chapter}.html"
    offered = box(page)
    assert sorted(Path(href).suffix for href in offered.downloads) == [".ipynb", ".whl"]
    assert offered.links == [], "launch buttons on a book that is not published"
    folder = tmp_path / "empty"
    folder.mkdir()
    for href in offered.downloads:
        shutil.copy((page.parent / href).resolve(), folder)

    notebook = run_notebook(folder / f"{chapter}.ipynb", reader)
    source = (project.BOOK / f"{chapter}.md").read_text(encoding="utf-8")
    assert_shows_what_the_page_shows(notebook, glue_of(REPO, lang, chapter), source)
    assert_same_other_outputs(notebook, executed(lang, chapter))


# --- The notebook's words ---------------------------------------------------------------------
# The commonest short words of each edition's language: a paragraph in that language uses more
# of its own than of the other's.
FUNCTION_WORDS = {
    "en": {"the", "and", "of", "is", "to", "in", "it", "that", "with", "each", "its", "this"},
    "es": {"el", "la", "los", "las", "de", "del", "que", "y", "en", "un", "una", "es", "se",
           "por", "con", "su"},
}  # fmt: skip
NOT_PROSE = [
    re.compile(r"```.*?```", re.S),  # listings
    re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.S),  # math
    re.compile(r"`[^`]*`"),  # code
    re.compile(r"<[^>]+>"),  # HTML
]


def paragraphs(notebook: nbformat.NotebookNode) -> list[str]:
    """The prose of the notebook's Markdown cells, one entry per paragraph, in plain words."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        for pattern in NOT_PROSE:
            text = pattern.sub(" ", text)
        for paragraph in re.split(r"\n\s*\n", text):
            words = re.findall(r"[^\W\d_]+", paragraph.lower())
            if len(words) >= 6:
                found.append(" ".join(words))
    return found


def site_notebook(site: Path, lang: str, chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(site / lang / f"{chapter}.ipynb", as_version=4)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_notebook_speaks_the_language_of_its_edition(site, lang, chapter):
    assert lang in FUNCTION_WORDS, f"add the commonest short words of {lang!r} to this test"
    texts = paragraphs(site_notebook(site, lang, chapter))
    assert len(texts) >= 3, "the notebook holds no prose"
    for text in texts:
        counts = {
            code: sum(w in words for w in text.split()) for code, words in FUNCTION_WORDS.items()
        }
        if sum(counts.values()) < 2:
            continue  # a table row or a short answer: too few small words to tell the language
        others = max(n for code, n in counts.items() if code != lang)
        assert counts[lang] > others, f"not in {lang}: {text[:120]}"
    source = project.source_language()
    if lang != source:
        shared = set(texts) & set(paragraphs(site_notebook(site, source, chapter)))
        assert not shared, f"untranslated in {lang}/{chapter}.ipynb: {sorted(shared)[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_notebook_holds_the_chapter_and_not_the_build(site, lang, chapter):
    """Equations, listings from the package, glued numbers as the page prints them, figures
    where the page shows them; no glue role, no myst_nb."""
    source = (project.BOOK / f"{chapter}.md").read_text(encoding="utf-8")
    notebook = site_notebook(site, lang, chapter)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    flat = " ".join(markdown.split())
    for equation in re.findall(r"^\$\$\n(.*?)\n\$\$$", source, re.S | re.M):
        assert " ".join(equation.split()) in flat, equation
    for name in re.findall(r"^:pyobject: (\w+)$", source, re.M):
        assert re.search(rf"```python\n(def|class) {name}\b", markdown), name
    glued = glue_of(REPO, lang, chapter)
    for name, spec in PRINTED.findall(source):
        assert printed(glued[name]["text/plain"], spec, lang) in markdown, name
    for name in re.findall(r"^(?:`{3,}|:{3,})\{glue:figure\} (\S+)$", source, re.M):
        assert f'paste("{name}")' in code, name
    assert not re.search(r"\{(glue|term|doc|ref)[:}]", markdown)
    assert "myst_nb" not in code


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != project.source_language()])
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_notebooks_of_a_chapter_differ_only_in_their_words(site, lang, chapter):
    """So that one edition's run as downloaded (above) vouches for the code of the others."""
    source = project.source_language()
    code = [
        [c.source for c in site_notebook(site, edition, chapter).cells if c.cell_type == "code"]
        for edition in (source, lang)
    ]
    # The code is the same but for DESCENT_LANG; only comments are in the edition's language.
    assert len(code[0]) == len(code[1])
    for original, translated in zip(code[0], code[1], strict=True):
        translated = translated.replace(f'"{lang}"', f'"{source}"')
        assert translated == original or listings.same_code(original, translated)
    assert code[1] != code[0]  # DESCENT_LANG at least


# --- Publishing -------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unpublished_book_links_to_no_other_host(site, lang):
    for chapter in CHAPTERS:
        html = (site / lang / f"{chapter}.html").read_text(encoding="utf-8")
        assert "colab.research.google.com" not in html and "mybinder.org" not in html
        assert 'rel="canonical"' not in html
        setup = site_notebook(site, lang, chapter).cells[2].source
        assert f"%pip install {project.wheel_name()} " in setup


GLUED_CHAPTER = """\
# A chapter

```{code-cell} ipython3
:tags: [remove-cell]
import matplotlib.pyplot as plt
from myst_nb import glue

fig, ax = plt.subplots()
ax.plot([0, 1], [0, 1])
glue("fig-line", fig, display=False)
glue("answer", 6 * 7)
```

The answer is {glue:text}`answer`.

```{glue:figure} fig-line
:alt: A rising line.

A line.
```
"""


@pytest.fixture
def site_server():
    """A web server on 127.0.0.1 for a folder chosen later: ``(url, set_folder, requests)``."""
    folder, requests = {}, []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=folder["path"], **kwargs)

        def log_message(self, format, *args):
            requests.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield (
        f"http://127.0.0.1:{server.server_port}/",
        functools.partial(folder.__setitem__, "path"),
        requests,
    )
    server.shutdown()


def test_a_published_book_offers_colab_and_binder_and_installs_from_its_site(
    mini_book, reader, site_server, tmp_path
):
    url, serve, requests = site_server
    mini_book.write_notebook("chapter.md", GLUED_CHAPTER)
    env = {"BOOK_SITE_URL": url, "BOOK_REPOSITORY": "readers/descent-book"}
    result = mini_book.build("en", env=env)
    assert result.returncode == 0, result.stdout[-3000:]
    site = mini_book.root / "_build" / "html"
    serve(str(site))

    page = site / "en" / "chapter.html"
    offered = box(page)
    assert offered.links == [
        "https://colab.research.google.com/github/readers/descent-book/blob/gh-pages/en/chapter.ipynb",
        "https://mybinder.org/v2/gh/readers/descent-book/gh-pages?labpath=en/chapter.ipynb",
    ]
    assert offered.downloads == ["chapter.ipynb"]  # the package comes from the site
    assert f'<link rel="canonical" href="{url}en/chapter.html"' in page.read_text()

    # A reader who has never installed the package downloads the notebook alone and runs it.
    subprocess.run(["python", "-m", "pip", "uninstall", "--quiet", "--yes", "descent"],
                   env=reader, check=False)  # fmt: skip
    folder = tmp_path / "empty"
    folder.mkdir()
    shutil.copy(site / "en" / "chapter.ipynb", folder)
    notebook = run_notebook(folder / "chapter.ipynb", reader)
    assert f"/en/{project.wheel_name()}" in requests  # pip fetched the wheel from the site
    assert_shows_what_the_page_shows(
        notebook, glue_of(mini_book.root, "en", "chapter"), GLUED_CHAPTER
    )


def test_half_a_publishing_setting_is_refused(mini_book):
    result = mini_book.build("en", env={"BOOK_SITE_URL": "https://readers.github.io/book/"})
    assert result.returncode != 0
    assert "book_site_url and book_repository go together" in result.stdout
