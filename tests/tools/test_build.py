"""The build's behaviour, on a tiny copy of the project: execution, caches, bad input."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from sphinx.search import js_index

from book_build import project
from book_build.commands.build import drop_removed_pages, python_problem
from book_build.web.bundles import page_assets
from conftest import REPO, project_env, run_build

ANSI_COLOR = re.compile(r"\x1b\[[0-9;]*m")


def test_kernels_run_in_the_language_of_each_edition_over_unix_sockets(mini_book):
    mini_book.write_chapter(
        "import os\nfrom ipykernel.connect import get_connection_info\n"
        "os.environ['DESCENT_LANG'] * 3 + get_connection_info(unpack=True)['transport']"
    )
    result = mini_book.build()
    assert result.returncode == 0, result.stdout
    # Unix sockets: two editions' kernels cannot race for a TCP port (book_build.execution.kernels).
    assert "enenenipc" in mini_book.page("en")
    assert "esesesipc" in mini_book.page("es")
    # One execution cache per edition, so Spanish outputs never leak into English pages.
    caches = sorted(
        p.parent.parent.name for p in (mini_book.root / "_build").rglob("fingerprints.json")
    )
    assert caches == ["en", "es"]


def test_a_change_to_the_package_shows_in_the_next_build_in_both_editions(mini_book):
    # The chapter reaches the changed module through another one (every import form is
    # followed: tests/tools/execution/test_dependencies.py).
    package = mini_book.root / "code" / "descent"
    (package / "helper.py").write_text("VALUE = 'old-output'\n")
    (package / "uses_helper.py").write_text("from .helper import VALUE\n")
    mini_book.write_chapter("from descent.uses_helper import VALUE\nVALUE")
    assert mini_book.build().returncode == 0
    assert "old-output" in mini_book.page("en") and "old-output" in mini_book.page("es")

    (package / "helper.py").write_text("VALUE = 'new-output'\n")
    result = mini_book.build()
    assert result.returncode == 0, result.stdout
    for lang in ("en", "es"):
        assert "new-output" in mini_book.page(lang), lang
    assert result.stdout.count("chapter.md: its package code changed, it will run again") == 2


def test_a_change_elsewhere_in_the_package_reexecutes_nothing(mini_book):
    mini_book.write_chapter("from descent.data import TRUE_PARAMS\nTRUE_PARAMS")
    assert mini_book.build("en").returncode == 0
    classify = mini_book.root / "code" / "descent" / "classify.py"
    classify.write_text(classify.read_text() + "\n# a change the chapter does not import\n")
    result = mini_book.build("en")
    assert result.returncode == 0, result.stdout
    assert "Executing notebook" not in result.stdout


def test_a_failing_cell_stops_the_build_naming_chapter_cell_and_error(mini_book):
    assert mini_book.build("en").returncode == 0
    good_page = mini_book.page("en")

    mini_book.write_chapter(
        "def check(x):\n    raise ValueError('the data has the wrong shape')\ncheck(1)"
    )
    result = mini_book.build("en")
    assert result.returncode != 0
    console = ANSI_COLOR.sub("", result.stdout)
    assert str(mini_book.root / "book" / "chapter.md") in console
    assert "raise ValueError('the data has the wrong shape')" in console  # the cell
    assert "ValueError: the data has the wrong shape" in console  # the traceback
    # The last good site stays in place.
    assert mini_book.page("en") == good_page


def test_an_exception_inside_the_package_names_the_package_line(mini_book):
    mini_book.write_chapter("from descent.data import make_line_data\nmake_line_data(n=-1)")
    result = mini_book.build("en")
    assert result.returncode != 0
    console = ANSI_COLOR.sub("", result.stdout)
    assert "descent/data.py" in console
    assert "RuntimeError" in console


def test_a_malformed_catalog_stops_the_build_with_file_and_line(mini_book):
    po = mini_book.root / "locales" / "es" / "LC_MESSAGES" / "chapter.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Some prose."\nmsgstr "Un poco de prosa.\n',  # line 6: the closing quote is missing
        encoding="utf-8",
    )
    result = mini_book.build("es")
    assert result.returncode != 0
    assert re.search(rf"{re.escape(str(po))}:\d+: end-of-line within string", result.stdout)
    assert po.read_text(encoding="utf-8").endswith('msgstr "Un poco de prosa.\n')  # left as it was


def test_a_glued_value_survives_translation(mini_book):
    mini_book.write_notebook(
        "chapter.md",
        """\
        # A chapter

        ```{code-cell} ipython3
        :tags: [remove-cell]
        from IPython.display import Markdown
        from myst_nb import glue
        glue("answer", 6 * 7)
        glue("pi", 3.14159)
        glue("bold", Markdown("**bold words**"))
        ```

        Glued: {glue}`answer`, {glue:}`answer`, {glue:any}`answer`, {glue:text}`pi:.2f`,
        {glue:md}`bold`.
        """,
    )
    source = (
        "Glued: {glue}`answer`, {glue:}`answer`, {glue:any}`answer`, {glue:text}`pi:.2f`, "
        "{glue:md}`bold`."
    )
    mini_book.write_catalog("chapter", {source: "Pegado: " + source.removeprefix("Glued: ")})
    result = mini_book.build()
    assert result.returncode == 0, result.stdout
    for lang, word, pi in (("en", "Glued", "3.14"), ("es", "Pegado", "3,14")):
        page = mini_book.page(lang)
        assert "<strong>bold words</strong>" in page, lang
        text = " ".join(re.sub(r"<[^>]+>", "", page).split())
        assert f"{word}: 42, 42, 42, {pi}, bold words." in text, lang  # the edition's numbers


def test_a_partly_translated_page_says_so_and_marks_what_is_missing(mini_book):
    mini_book.write("chapter.md", "# A chapter\n\nFirst paragraph.\n\nSecond paragraph.\n")
    mini_book.write_catalog(
        "chapter", {"A chapter": "Un capítulo", "First paragraph.": "Primer párrafo."}
    )
    result = mini_book.build("es")
    assert result.returncode == 0, result.stdout
    page = mini_book.page("es")
    assert "Esta página está traducida solo en parte: 1 de 3" in page
    assert re.search(r'<p class="untranslated">Second paragraph.</p>', page)
    assert "Primer párrafo." in page


def test_a_chapter_missing_from_the_table_of_contents_fails_the_build(mini_book):
    mini_book.write("forgotten.md", "# Forgotten\n\nNobody links here.\n")
    result = mini_book.build("en")
    assert result.returncode != 0
    assert "forgotten.md: WARNING: document isn't included in any toctree" in result.stdout


def test_a_broken_reference_fails_the_build_with_file_and_line(mini_book):
    mini_book.write(
        "index.md", "# Mini book\n\nSee {doc}`no-such-page`.\n\n```{toctree}\nchapter\n```\n"
    )
    result = mini_book.build("en")
    assert result.returncode != 0
    assert "index.md:3: WARNING: unknown document: 'no-such-page'" in result.stdout


def test_a_missing_python_package_names_the_chapter_and_the_module(mini_book):
    mini_book.write_chapter("import package_that_is_not_installed")
    result = mini_book.build("en")
    console = ANSI_COLOR.sub("", result.stdout)
    assert result.returncode != 0
    assert str(mini_book.root / "book" / "chapter.md") in console
    assert "No module named 'package_that_is_not_installed'" in console


def test_a_clean_build_in_another_folder_gives_the_same_site_byte_for_byte(site, tmp_path):
    """The whole site, both editions, built from scratch elsewhere, against the book's own
    build (itself a clean build on a fresh checkout, as in CI; incremental builds give the same
    files, see the ?v= test below). Its inputs are the PDF and ePub the site was built with,
    and the chapters' executed outputs: that a chapter run again elsewhere gives the same
    outputs, byte for byte, is checked by running it as a reader does
    (tests/tools/offline/test_notebooks.py). What is rebuilt here is everything Sphinx does."""
    project.copy_project(tmp_path)
    if project.BOOKS.exists():
        shutil.copytree(project.BOOKS, tmp_path / "_build" / "pdf")
    for lang in project.languages():
        cache = project.execution_cache(lang)
        shutil.copytree(cache, tmp_path / cache.relative_to(project.REPO))
    result = run_build(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    first, second = files(site), files(tmp_path / "_build" / "html")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    # The downloads too: every chapter's notebook, and the package's wheel, in every edition.
    for lang in project.languages():
        assert f"{lang}/{project.wheel_name()}" in first
        for chapter in project.chapters():
            assert f"{lang}/{chapter.stem}.ipynb" in first


def static_links(page: str) -> list[str]:
    """Every stylesheet and script a page links from _static, with its query string."""
    return sorted(re.findall(r'(?:href|src)="(_static/[^"]+\.(?:css|js)[^"]*)"', page))


def test_pages_link_static_files_with_the_same_checksums_after_clean_and_incremental_builds(
    mini_book,
):
    assert mini_book.build("en").returncode == 0
    clean = static_links(mini_book.page("en"))
    assert clean and all("?v=" in link or "?digest=" in link for link in clean), clean

    # The chapter is written again (a prose edit): its links do not change.
    chapter = mini_book.root / "book" / "chapter.md"
    chapter.write_text(chapter.read_text().replace("Some prose.", "Other prose."))
    assert mini_book.build("en").returncode == 0
    assert static_links(mini_book.page("en")) == clean

    # A stylesheet alone changes: every page links a new URL that serves it (else browsers keep
    # the old), in the bundle of the page's stylesheets.
    css = mini_book.root / "book" / "_static" / "book.css"
    css.write_text(css.read_text() + "\n.edited { color: red; }\n")
    assert mini_book.build("en").returncode == 0
    site = mini_book.root / "_build" / "html" / "en"
    for name in ("chapter", "index"):
        links = static_links(mini_book.page("en", name))
        assert links != clean, name
        assert page_assets(site / f"{name}.html")["_static/book.css"] == css.read_text(), name
    now = static_links(mini_book.page("en"))
    gone = {link.split("?")[0] for link in clean} - {link.split("?")[0] for link in now}
    assert len(gone) == 1 and next(iter(gone)).startswith("_static/bundles/"), gone
    assert not (site / gone.pop()).exists()  # the old bundle is removed


def test_the_search_still_finds_the_glossary_after_an_incremental_build(mini_book):
    """Sphinx forgets the index entries of the pages it does not write again (web/search.py)."""
    mini_book.write("index.md", "# Mini book\n\n```{toctree}\nchapter\nterms\n```\n")
    mini_book.write("terms.md", "# Terms\n\n```{glossary}\nwarmup\n  A slow start.\n```\n")

    def entries() -> dict:
        assert mini_book.build("en").returncode == 0
        text = (mini_book.root / "_build" / "html" / "en" / "searchindex.js").read_text()
        return js_index.loads(text)["indexentries"]

    clean = entries()
    assert list(clean) == ["warmup"]
    chapter = mini_book.root / "book" / "chapter.md"
    chapter.write_text(chapter.read_text().replace("Some prose.", "Other prose."))
    assert entries() == clean  # terms.md was not written again


def test_a_page_removed_from_the_book_is_no_longer_published(tmp_path, monkeypatch):
    book, built = tmp_path / "book", tmp_path / "html"
    book.mkdir(), built.mkdir()
    (book / "kept.md").write_text("# Kept\n")
    monkeypatch.setattr(project, "BOOK", book)
    names = ["kept.html", "kept.ipynb.gz", "search.html", "genindex.html.br", "objects.inv",
             "renamed.html", "renamed.html.gz", "renamed.ipynb", "renamed.ipynb.br"]  # fmt: skip
    for name in names:
        (built / name).write_text("x")
    drop_removed_pages(built)
    assert sorted(p.name for p in built.iterdir()) == sorted(names[:5])


def test_an_unsupported_python_is_refused_with_a_clear_message():
    assert python_problem((3, 11, 0)) is None
    assert python_problem((3, 10, 4)).startswith(
        "the book needs Python 3.11 or newer, and this is Python 3.10.4."
    )
    # The command itself, on a Python that says it is 3.10:
    pretend = (
        "import runpy, sys; sys.version_info = (3, 10, 4, 'final', 0); "
        "runpy.run_module('book_build.commands.build', run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", pretend], capture_output=True, text=True, env=project_env(REPO)
    )
    assert result.returncode == 1
    assert "error: the book needs Python 3.11 or newer, and this is Python 3.10.4" in result.stderr


def test_an_error_quoting_a_kernel_failure_fails_once_and_is_not_retried(mini_book):
    # The words of jupyter_client's start-up failure, raised by the reader's own code.
    mini_book.write_chapter('raise RuntimeError("Kernel didn\'t respond in 60 seconds")')
    result = mini_book.build("en")
    assert result.returncode != 0
    executions = re.findall(r"^\[en\] \S+: Executing notebook using", result.stdout, re.M)
    assert len(executions) == 1  # one execution, no second attempt


def test_the_build_s_one_list_of_its_modules_names_each_once():
    """tools/book_build/__init__.py lists the build's modules by role; nothing else does."""
    import book_build
    from book_build import pipeline

    package = Path(book_build.__file__).parent
    modules = {
        path.relative_to(package).with_suffix("").as_posix()
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    }
    listed, folder = [], ""
    for line in book_build.__doc__.splitlines():
        # "name   what it does" (a module), "name/   ..." (a folder), "  name   ..." (in it)
        if match := re.match(r"(  )?([a-z_]+)(/)?(  |$)", line):
            indent, name, is_folder, _ = match.groups()
            if is_folder:
                folder = name + "/"
            else:
                listed.append((folder if indent else "") + name)
    assert sorted(listed) == sorted(modules)
    # The pipeline connects only what these modules define.
    for _, transform in pipeline.TRANSFORMS + pipeline.POST_TRANSFORMS:
        assert transform.__module__ in {part.__name__ for part in pipeline.PARTS}
