"""The PDF and the ePub of each edition, as `nox -s pdf` builds them, and the site's links to them.

Slow (TeX runs); they need TeX Live, dvisvgm, epubcheck and poppler-utils, which `.ci/run`
installs: a missing tool fails these tests, it does not skip them.
"""

import gettext
import html
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from book_build import project
from book_build.commands import pdf
from book_build.paper import frames
from conftest import run_build

REPO = project.REPO
SITE = project.SITE
LANGUAGES = list(project.languages())
SOURCE, *TRANSLATIONS = LANGUAGES
# The book's pages, the home page as the preface; not "page not found", a page of the site only.
PAGES = sorted(p.stem for p in project.BOOK.glob("*.md") if p.stem != project.NOT_FOUND)
# What LaTeX, Sphinx and the build write in English on their own: none may show in another
# edition. (Regular expressions; the code listings, the same in every edition, contain English.)
ENGLISH_LABELS = [r"\bChapter \d", r"\bFig\. \d", r"\bFigure \d", r"\bContents\b", r"\bPreface\b",
                  r"continue[sd] (on|from) (next|previous) page", r"\bThe authors of\b",
                  r"\bof the animation, which\b", r"\bstep \d+ step \d+"]  # fmt: skip


@pytest.fixture(scope="session")
def books(site) -> dict[str, dict[str, Path]]:
    """Both editions' PDF and ePub, built with the run's site (conftest.site), as `nox -s pdf`
    builds them: the site's pages link to these."""
    return {lang: project.book_files(lang) for lang in LANGUAGES}


def words(text: str) -> str:
    """Text with its whitespace (line breaks of a PDF's lines) made single spaces."""
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    return words(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout)  # fmt: skip


def article(page: Path) -> str:
    match = re.search(r'<article class="bd-article">(.*?)</article>', page.read_text("utf-8"), re.S)
    assert match, f"no article in {page}"
    return match.group(1)


def headings(lang: str, levels: str = "1-3") -> dict[str, list[str]]:
    """The headings of each page of the HTML edition: ``{page: [text, ...]}``."""
    found = {}
    for page in PAGES:
        body = article(SITE / lang / f"{page}.html")
        found[page] = [
            words(html.unescape(re.sub(r"<[^>]+>", "", text))).rstrip("#").strip()
            for _level, text in re.findall(rf"<h([{levels}])[^>]*>(.*?)</h\1>", body, re.S)
        ]
    return found


def html_figures(lang: str) -> int:
    """Figures of the HTML edition: glued figures and animation players."""
    return sum(article(SITE / lang / f"{page}.html").count("<figure") for page in PAGES)


# --- The PDF ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pdf_shows_every_chapter_title_of_its_edition(books, lang):
    text = pdf_text(books[lang]["pdf"])
    assert project.languages()[lang]["title"] in text
    for page, titles in headings(lang, "1").items():
        assert titles and titles[0] in text, f"{page}: {titles[:1]}"


def outline(path: Path) -> list[str]:
    """The PDF's headings, from its bookmarks: chapters, sections and subsections, in order."""

    def flatten(items):
        for item in items:
            yield from flatten(item) if isinstance(item, list) else [words(item.title)]

    return list(flatten(PdfReader(path).outline))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pdf_headings_are_the_preface_and_the_html_edition_headings(books, lang):
    preface = gettext.translation(project.BUILD_CATALOG, project.LOCALES, [lang], fallback=True)
    html_headings = [h for page, hs in headings(lang).items() for h in hs]
    book_title = headings(lang)["index"][0]
    expected = {preface.gettext("Preface")} | set(html_headings) - {book_title}
    assert set(outline(books[lang]["pdf"])) == expected


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_a_translated_pdf_has_no_english_heading_or_label(books, lang):
    english = {h for hs in headings(SOURCE).values() for h in hs}
    translated = {h for hs in headings(lang).values() for h in hs}
    assert english - translated, "the editions' headings should differ"
    left = set(outline(books[lang]["pdf"])) & (english - translated)
    assert not left, f"English headings in the {lang} PDF: {left}"
    text = pdf_text(books[lang]["pdf"])  # code listings are the same in every edition
    labels = [label for label in ENGLISH_LABELS if re.search(label, text)]
    assert not labels, f"English labels in the {lang} PDF: {labels}"


def test_the_spanish_pdf_speaks_spanish(books):
    text = pdf_text(books["es"]["pdf"])
    for label in ("Capítulo", "Figura", "Índice"):
        assert label in text
    # The English beside each paragraph is the website's (book_build.languages.parallel), not
    # paper's
    english = "Linear regression fits a straight line through a cloud of points"
    assert english not in " ".join(text.split())
    epub = zipfile.ZipFile(books["es"]["epub"])
    pages = [epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith("html")]
    assert not [page for page in pages if "english-mark" in page or english in page]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_font_of_the_pdf_is_embedded(books, lang):
    table = subprocess.run(
        ["pdffonts", str(books[lang]["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = table[2:]
    assert rows, "no font listed"
    # Read from the right: a long name (LMRoman10-BoldItalic…) pushes the columns along.
    not_embedded = [row.split()[0] for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, not_embedded


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_of_the_html_edition_is_placed_in_the_pdf(books, lang):
    """Each figure (vector PDF, or the animation's strip) is one graphic placed on a page."""
    reader = PdfReader(books[lang]["pdf"])
    placed = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        for ref in (xobjects.get_object() if xobjects else {}).values():
            placed.add(ref.idnum)
    assert html_figures(lang) > 0
    assert len(placed) == html_figures(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pdf_states_its_title_author_and_language(books, lang):
    reader = PdfReader(books[lang]["pdf"])
    assert reader.metadata.title == project.languages()[lang]["title"]
    assert project.languages()[lang]["title"] in reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_link_of_the_pdf_leads_somewhere(books, lang):
    """Internal links reach a destination of the PDF; relative ones, a page of the site beside
    the published PDF, with its anchor; the external ones are those of the HTML edition."""
    reader = PdfReader(books[lang]["pdf"])
    destinations = set(reader.named_destinations)
    internal, relative, external, broken = 0, 0, set(), []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action["/S"] == "/GoTo":
                internal += 1
                if str(action["/D"]) not in destinations:
                    broken.append(str(action["/D"]))
            elif action is not None and action["/S"] == "/URI":
                uri = urlparse(str(action["/URI"]))
                if uri.scheme:
                    external.add(uri.geturl())
                    continue
                relative += 1
                target = SITE / lang / uri.path
                if not target.is_file() or f'id="{uri.fragment}"' not in target.read_text("utf-8"):
                    broken.append(uri.geturl())
    assert internal > 100 and relative > 0
    assert not broken, broken
    web = {url for page in PAGES for url in re.findall(r'href="(https?:[^"]+)"', article(
        SITE / lang / f"{page}.html"))}  # fmt: skip
    assert external == {html.unescape(url) for url in web}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_latex_reports_no_missing_glyph_reference_or_overfull_line(books, lang):
    """Every character has a glyph, every reference a target, and no line (code included) runs
    into the margin by more than a hair."""
    log = (project.edition_dir(lang) / "latex" / f"{project.book_name(lang)}.log").read_text(
        encoding="utf-8", errors="replace"
    )
    assert "Missing character" not in log
    assert not re.search(r"Reference .* undefined", log)
    overfull = [float(p) for p in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert max(overfull, default=0) < 3, f"{len(overfull)} overfull lines, up to {max(overfull)}pt"


def test_a_clean_rebuild_gives_the_same_pdf_and_epub(books):
    """The PDF and the ePub built again from nothing are the same bytes. The chapters' executed
    outputs stay, keyed by what they were made from (the site's reproducibility covers those)."""
    lang = TRANSLATIONS[0] if TRANSLATIONS else SOURCE
    before = {form: path.read_bytes() for form, path in books[lang].items()}
    work = project.edition_dir(lang)
    for folder in ("latex", "doctrees-latex", "epub", "doctrees-epub"):
        shutil.rmtree(work / folder)
    env = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": pdf.source_date()}
    assert pdf.build_books(lang, env)
    assert books[lang]["pdf"].read_bytes() == before["pdf"]
    assert books[lang]["epub"].read_bytes() == before["epub"]


# --- The ePub -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_epub_passes_epubcheck(books, lang):
    jar = shutil.which("epubcheck")
    assert jar, "epubcheck is missing: apt-get install epubcheck"
    # Debian's epubcheck is the jar itself, which only binfmt-support makes a command: run Java.
    command = ["java", "-jar", str(Path(jar).resolve()), str(books[lang]["epub"])]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING" not in result.stdout + result.stderr


def epub_pages(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as epub:
        return {
            name: epub.read(name).decode("utf-8")
            for name in epub.namelist()
            if name.endswith(".xhtml")
        }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_epub_has_every_figure_and_the_edition_language(books, lang):
    pages = epub_pages(books[lang]["epub"])
    images = sum(
        len(re.findall(r'<img [^>]*src="_images/(?!math/)', body)) for body in pages.values()
    )
    assert images == html_figures(lang)
    with zipfile.ZipFile(books[lang]["epub"]) as epub:
        assert f"<dc:language>{lang}</dc:language>" in epub.read("content.opf").decode()
        nav = epub.read("nav.xhtml").decode()
    for page, titles in headings(lang, "1").items():  # the reader's table of contents
        assert f">{html.escape(titles[0], quote=False)}</a>" in nav, page
    if lang != SOURCE:
        assert "Table of Contents" not in nav
    text = words(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", b)) for b in pages.values()))
    for page, titles in headings(lang, "1").items():
        assert titles[0] in text, page
    if lang != SOURCE:
        english = {h for hs in headings(SOURCE).values() for h in hs}
        translated = {h for hs in headings(lang).values() for h in hs}
        assert not [h for h in english - translated if h in text]


# --- The site's links to them -------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_html_page_links_to_its_edition_pdf_and_epub(books, lang):
    moved = project.redirects()  # an old address: it sends the reader on at once
    pages = sorted(
        p for p in (SITE / lang).rglob("*.html") if "_static" not in p.parts and p.stem not in moved
    )
    assert len(pages) > len(PAGES)  # the chapters, and the search and index pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for form, book in books[lang].items():
            links = re.findall(rf'href="([^"]+\.{form})"', text)
            assert links, f"{page.relative_to(SITE)} has no link to the {form}"
            for link in links:
                target = (page.parent / link).resolve()
                assert target.read_bytes() == book.read_bytes(), f"{page} -> {link}"


# --- Pure functions -----------------------------------------------------------------------


def test_book_names_are_each_edition_title_in_plain_letters():
    assert project.book_name("es") == "descenso-de-gradiente-paso-a-paso"
    names = [project.book_name(lang) for lang in LANGUAGES]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(101, [0, 33, 67, 100]), (4, [0, 1, 2, 3]), (2, [0, 1]), (7, [0, 2, 4, 6])],
)
def test_the_strip_shows_the_first_and_last_frames_evenly_spaced(count, shown):
    assert frames.frame_numbers(count) == shown


def test_the_pdf_build_says_which_package_is_missing(monkeypatch, capsys):
    monkeypatch.setattr(pdf.shutil, "which", lambda tool: None if tool == "latexmk" else tool)
    assert pdf.main([]) == 2
    assert "latexmk" in capsys.readouterr().err


def test_an_html_output_with_no_form_on_paper_fails_naming_its_page(mini_book):
    """An output that only a browser can show stops the PDF build, which names the page; the
    same output with an image beside it builds."""
    mini_book.write_chapter('from IPython.display import HTML\n\nHTML("<b>only HTML</b>")')
    result = run_build(mini_book.root, "en", command="book_build.commands.pdf")
    console = result.stdout + result.stderr
    assert result.returncode != 0
    assert "an HTML output has no form for the latex builder" in console
    assert str(mini_book.root / "book" / "chapter.md") in console

    mini_book.write_chapter(
        "import io\n\nimport matplotlib.pyplot as plt\n\n"
        "class Both:\n"
        "    def _repr_html_(self): return '<b>HTML</b>'\n"
        "    def _repr_png_(self):\n"
        "        fig, out = plt.figure(figsize=(1, 1)), io.BytesIO()\n"
        "        fig.savefig(out, format='png'); plt.close(fig)\n"
        "        return out.getvalue()\n"
        "Both()"
    )
    result = run_build(mini_book.root, "en", command="book_build.commands.pdf")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
