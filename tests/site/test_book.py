"""The real book, both editions, as `nox -s book` builds it: pages, outputs, languages."""

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from book_build import project
from book_build.web import assets, bundles

LANGUAGES = list(project.languages())
PAGES = sorted(p.stem for p in project.BOOK.glob("*.md"))
NOTEBOOKS = [p.stem for p in project.chapters()]


class Paragraphs(HTMLParser):
    """The text of each <p> in the article body, outside code cells and their outputs, and
    outside the bibliography's entries (a source keeps the title it was published with)."""

    def __init__(self):
        super().__init__()
        self.paragraphs, self._stack, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        skip = any(c in classes for c in ("cell_output", "highlight", "pasted", "citation"))
        self._stack.append((tag, skip))
        self._skip += skip
        if tag == "p" and not self._skip:
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        while self._stack:
            opened, skip = self._stack.pop()
            self._skip -= skip
            if opened == tag:
                break

    def handle_data(self, data):
        if self._stack and self._stack[-1][0] != "p" and not any(t == "p" for t, _ in self._stack):
            return
        if self.paragraphs and not self._skip:
            self.paragraphs[-1] += data


def article(html: str) -> str:
    match = re.search(r'<article class="bd-article">(.*?)</article>', html, re.S)
    assert match, "no article in page"
    return match.group(1)


def prose(html: str) -> set[str]:
    """Paragraphs worth comparing across editions: with several words, whitespace normalized."""
    parser = Paragraphs()
    parser.feed(article(html))
    texts = {" ".join(p.split()) for p in parser.paragraphs}
    return {t for t in texts if len(re.findall(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]{3,}", t)) >= 3}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_built_in_every_edition(site: Path, lang, page):
    html = (site / lang / f"{page}.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_loads_one_stylesheet_and_the_published_files(site: Path, lang):
    """Bundles (book_build.web.bundles): one stylesheet blocks the first paint, and every part of a
    bundle is the file as the build finished it (not an earlier copy that a theme rewrote)."""
    static = site / lang
    for page in sorted(p for p in static.glob("*.html") if p.stem not in project.redirects()):
        head = page.read_text(encoding="utf-8").split("</head>")[0].split("</noscript>")[-1]
        assert head.count('rel="stylesheet"') == 1, page.name
        for name, text in bundles.page_assets(page).items():
            if name.endswith(".css"):
                assert text == bundles.stylesheet(static, name, bundles.FOLDER), (page, name)
            else:
                assert text == bundles.script(static, name), (page, name)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_every_chapter_was_executed(site: Path, lang, page):
    body = article((site / lang / f"{page}.html").read_text(encoding="utf-8"))
    assert 'class="cell_output' in body or 'class="pasted' in body, "no executed output"
    assert "Traceback" not in body


@pytest.mark.parametrize("page", PAGES)
def test_spanish_pages_share_no_paragraph_with_english(site: Path, page):
    english = prose((site / "en" / f"{page}.html").read_text(encoding="utf-8"))
    spanish = prose((site / "es" / f"{page}.html").read_text(encoding="utf-8"))
    assert spanish, "no prose found on the Spanish page"
    assert not english & spanish, f"untranslated in es/{page}.html: {sorted(english & spanish)}"


@pytest.mark.parametrize("page", PAGES)
def test_language_switch_links_to_the_same_page_in_every_edition(site: Path, page):
    for lang in LANGUAGES:
        html = (site / lang / f"{page}.html").read_text(encoding="utf-8")
        switch = re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group(0)
        for other in LANGUAGES:
            if other != lang:
                href = re.search(rf'href="([^"]+)" hreflang="{other}"', switch).group(1)
                assert not href.startswith(("/", "http")), "links must be relative"
                assert (site / lang / href).resolve() == (site / other / f"{page}.html").resolve()


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_spanish_figures_are_not_the_english_ones(site: Path, page):
    def images(lang):
        html = (site / lang / f"{page}.html").read_text(encoding="utf-8")
        return set(re.findall(r'<img [^>]*src="([^"]+\.png)"', article(html)))

    # Images are named by the hash of their bytes: a Spanish label makes a different file.
    assert not images("en") & images("es")


@pytest.mark.each_chapter
def test_no_internal_link_or_anchor_is_broken(site: Path):
    ids: dict[Path, set[str]] = {}
    broken = []
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        ids[page] = set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*href="([^"]+)"', html):
            if href.startswith(("http:", "https:", "mailto:", "data:", "javascript:")):
                continue
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve() if path else page
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif anchor and target.suffix == ".html" and anchor not in ids[target]:
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_a_fully_translated_edition_shows_no_partial_translation_note(site: Path, lang):
    for page in PAGES:
        html = (site / lang / f"{page}.html").read_text(encoding="utf-8")
        assert "translation-incomplete" not in html, page
        assert 'class="untranslated' not in html, page


@pytest.mark.parametrize("page", PAGES)
def test_no_fixed_english_label_in_a_spanish_page(site: Path, page):
    html = (site / "es" / f"{page}.html").read_text(encoding="utf-8")
    assert 'aria-label="Page"' not in html
    print_toc = html.partition('id="jb-print-toc"')[2].partition('id="searchbox"')[0]
    assert "<nav" not in print_toc or 'aria-label="Contenido de esta página"' in print_toc


PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glued_numbers_are_written_the_edition_s_way(site: Path, lang):
    """The learning-rate table glues floats with ".3f": "0.100" and "−0.800" in English, "0,100"
    and "−0,800" in Spanish; and no pasted number anywhere keeps Python's way of the other."""
    table = PASTED.findall((site / lang / "learning-rate.html").read_text(encoding="utf-8"))
    decimal = {"en": ".", "es": ","}[lang]
    assert f"0{decimal}100" in table and f"\u22120{decimal}800" in table
    for page in NOTEBOOKS:
        for text in PASTED.findall((site / lang / f"{page}.html").read_text(encoding="utf-8")):
            assert not re.fullmatch(r"-\d.*", text), f"{page}: {text!r} has a hyphen for a minus"
            if lang == "es":
                assert not re.fullmatch(r"\d+\.\d+", text), f"{page}: {text!r} has a decimal point"


def test_the_spanish_equations_write_a_decimal_comma(site: Path):
    """The catalogs keep the source's 0.5 inside math; the Spanish pages show 0,5."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in (site / "es").glob("*.html")}
    assert not [name for name, page in pages.items() if re.search(r"<mn>\d+\.\d+</mn>", page)]
    assert "<mn>1,5</mn>" in pages["gradient-descent-1d.html"]
    assert "<mn>1.5</mn>" in (site / "en" / "gradient-descent-1d.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_glossary_is_in_the_dictionary_order_of_its_edition(site: Path, lang):
    """Each edition lists its own terms alphabetically, accents ignored (época before error);
    a translated term shows its English original in italics."""
    from book_build.languages.editions import dictionary_order

    page = (site / lang / "terminology.html").read_text(encoding="utf-8")
    terms = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<dt id="term-[^"]*">(.*?)<a ', page)]
    # An entry may have several terms (feature scaling, standardization): its first one sorts.
    entries = re.findall(
        r'(?:</dd>|<dl class="[^"]*glossary[^"]*">)\s*<dt id="term-[^"]*">(.*?)<a ', page
    )
    entries = [re.sub(r"<[^>]+>", "", t) for t in entries]
    assert len(entries) >= 15
    assert entries == sorted(entries, key=dictionary_order)
    if lang != project.source_language():
        # A name the same in both editions (Adam, softmax) needs no original.
        source = site / project.source_language() / "terminology.html"
        names = re.findall(r'<dt id="term-[^"]*">(.*?)<a ', source.read_text(encoding="utf-8"))
        same = {re.sub(r"<[^>]+>", "", t) for t in names}
        bare = [t for t in terms if "(" not in t and t not in same]
        assert not bare, f"terms without their English original: {bare}"


def english_blocks(site: Path, page: str) -> list[str]:
    """The English of a Spanish page's translated blocks, from the script its meta tag names
    (whose ``?v=`` must be the checksum of what is there, or a browser keeps an old copy)."""
    html = (site / "es" / f"{page}.html").read_text(encoding="utf-8")
    url = re.search(r'<meta name="book-english" content="([^"?]+)\?v=(\w+)"', html)
    data = (site / "es" / url[1]).read_bytes()
    assert url[2] == assets.checksum(data)
    text = data.decode()
    return json.loads(text.removeprefix("window.bookEnglish = ").rstrip().removesuffix(";"))


def test_a_translated_page_marks_its_blocks_and_keeps_their_english_apart(site: Path):
    """Each translated block is marked; its English is in the page's own script, in the same
    order, with the source's numbers and equations, and not in the page (its weight)."""
    spanish = (site / "es" / "linear-regression.html").read_text(encoding="utf-8")
    english = (site / "en" / "linear-regression.html").read_text(encoding="utf-8")
    blocks = english_blocks(site, "linear-regression")
    assert spanish.count('class="english-mark') == len(blocks) > 10
    first = "Linear regression fits a straight line through a cloud of points."
    assert any(first in block for block in blocks) and first not in spanish
    assert re.sub(r"<[^>]+>", "", blocks[0]) == "Linear regression"  # the title, in order
    assert any("<math" in block and "<mn>1</mn>" in block for block in blocks)
    assert "english-mark" not in english and "book-english" not in english


# --- English words inside the Spanish pages (book_build.languages.foreign), on a mini book ---
GLOSSARY = """\
# Terms

```{glossary}
momentum
  A velocity.

softmax
  Exponentials, normalized.
```
"""
CHAPTER = """\
# A chapter

The *momentum* keeps a *heavy* ball rolling, see {doc}`terms`.

*Adam* divides softmax minus one-hot, a *one-hot* label: `one-hot` and $momentum$ stay code.
"""


def test_english_words_of_a_spanish_page_say_so_and_english_titles_stay_english(mini_book):
    """Quoted English gets lang="en" (an emphasis copied from the source, a term the book knows
    anywhere in the text); names, kept terms, Spanish words, code and math do not; the English
    edition is untouched. A {doc} reference in a block's English shows the English title."""
    mini_book.write("index.md", "# Mini book\n\n```{toctree}\nchapter\nterms\n```\n")
    mini_book.write("terms.md", GLOSSARY)
    mini_book.write("chapter.md", CHAPTER)
    mini_book.write_catalog("terms", {
        "Terms": "Términos", "momentum": "momento (*momentum*)", "A velocity.": "Una velocidad.",
        "softmax": "softmax", "Exponentials, normalized.": "Exponenciales, normalizadas.",
    })  # fmt: skip
    mini_book.write_catalog("chapter", {
        "A chapter": "Un capítulo",
        "The *momentum* keeps a *heavy* ball rolling, see {doc}`terms`.":
            "El momento (*momentum*) mantiene la bola *pesada* en marcha, véase {doc}`terms`.",
        "*Adam* divides softmax minus one-hot, a *one-hot* label: `one-hot` and $momentum$ "
        "stay code.": "*Adam* divide softmax menos one-hot, una etiqueta *one-hot*: `one-hot` "
        "y $momentum$ siguen siendo código.",
    })  # fmt: skip
    result = mini_book.build("en", "es")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    spanish = mini_book.page("es")
    assert '<em lang="en">momentum</em>' in spanish
    assert "<em>pesada</em>" in spanish  # a Spanish word
    assert "<em>Adam</em>" in spanish  # a name
    assert "divide softmax menos " in spanish  # a term the edition keeps
    assert (
        'menos <span lang="en">one-hot</span>, una etiqueta <em lang="en">one-hot</em>' in spanish
    )
    assert '<span class="pre">one-hot</span></code>' in spanish  # code stays code
    assert len(re.findall(r'<(?:em|span) lang="en"', spanish)) == 3  # the three above
    glossary = mini_book.page("es", "terms")
    assert re.search(r'momento \(<em lang="en">momentum</em>\)', glossary)
    assert not re.search(r'lang="en">softmax', glossary)
    for name in ("chapter", "terms"):
        assert not re.search(r'<(em|span) lang="en"', mini_book.page("en", name))

    script = mini_book.root / "_build" / "html" / "es" / "_static" / "english" / "chapter.js"
    english = script.read_text(encoding="utf-8")
    assert re.search(r"see <a [^>]*><span class=\\?\"doc\\?\">Terms</span></a>", english)
    assert "Términos" not in english
    assert '<span class="doc">Términos</span></a>.' in spanish  # the page keeps its own


def test_english_marks_follow_the_whole_book_in_an_incremental_build(mini_book):
    """A term one page quotes is marked on every page; when the book stops treating it as
    English, a page that did not change is written again without the mark."""
    mini_book.write("index.md", "# Mini book\n\n```{toctree}\nchapter\nterms\n```\n")
    mini_book.write("terms.md", "# Terms\n\n```{glossary}\nwarmup\n  A slow start.\n```\n")
    mini_book.write("chapter.md", "# A chapter\n\nA short warmup helps.\n")
    chapter = {"A chapter": "Un capítulo", "A short warmup helps.": "Un warmup corto ayuda."}
    mini_book.write_catalog("chapter", chapter)

    def build_with_glossary(term: str) -> str:
        mini_book.write_catalog("terms", {"Terms": "Términos", "warmup": term,
                                          "A slow start.": "Un comienzo lento."})  # fmt: skip
        result = mini_book.build("en", "es")
        assert result.returncode == 0, result.stdout[-3000:]
        return mini_book.page("es")

    assert 'Un <span lang="en">warmup</span> corto' in build_with_glossary("calentamiento")
    assert not re.search(r'<(em|span) lang="en"', build_with_glossary("warmup"))  # now kept


MARKED = re.compile(r'<(em|span) lang="en">(.*?)</\1>')
LETTERS = re.compile(r"[^\W\d_]+")


def test_what_a_spanish_page_marks_english_is_english(site: Path):
    """Every passage that book_build.languages.foreign marks lang="en" in the Spanish pages has a
    word that
    hunspell's Spanish dictionary lacks: no Spanish word is read with an English voice. The
    English pages mark nothing: their language is the page's."""
    marked = set()
    for page in (site / "es").glob("*.html"):
        found = MARKED.findall(page.read_text(encoding="utf-8"))
        marked |= {re.sub(r"<[^>]+>", "", text) for _tag, text in found}
    assert {"learning rate", "momentum", "one-hot", "minibatch"} <= marked
    words = sorted({word for text in marked for word in LETTERS.findall(text)})
    hunspell = ["hunspell", "-d", "es_ES", "-l"]  # -l: the words it does not know
    unknown = subprocess.run(hunspell, input="\n".join(words), capture_output=True, text=True)
    assert unknown.returncode == 0, unknown.stderr
    spanish = [
        text for text in marked if not set(LETTERS.findall(text)) & set(unknown.stdout.split())
    ]
    assert not spanish, f"Spanish words marked as English: {sorted(spanish)}"
    for page in (site / "en").glob("*.html"):
        assert not MARKED.search(page.read_text(encoding="utf-8")), page.name
