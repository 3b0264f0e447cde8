"""The translator's workflow: catalogs current and complete, updates that lose nothing, checks
that catch broken markup, and a new language in one command."""

import subprocess
import sys
import tomllib

import polib
import pytest

from book_build import project as book
from book_build.commands import translate as translate_tool
from book_build.commands.translate import (
    markup,
    pofilter_checker,
    pofilter_problems,
    with_agreed_header,
)
from conftest import REPO, project_env

LANGUAGES = list(book.languages())


def translate(project, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "book_build.commands.translate", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=project_env(project),
    )


@pytest.mark.each_chapter
@pytest.mark.usefixtures("site")  # extraction reads the executed chapters from its cache
@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_catalog_is_current_complete_and_sound(lang):
    result = translate(REPO, "--check", lang)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| catalog" in result.stdout  # the progress table


def test_markup_that_must_survive_translation():
    found = markup("The {term}`learning rate` is {glue:text}`lr:.2f`, see $a_t$ and `mse`.")
    assert found == {
        "{term}": 1,
        "{glue:text}`lr:.2f`": 1,
        "$a_t$": 1,
        "`mse`": 1,
    }
    assert markup("[the docs](https://example.org) and {doc}`the page <gradient-descent>`") == {
        "](https://example.org)": 1,
        "{doc}`gradient-descent`": 1,
    }


@pytest.fixture
def translated_mini_book(mini_book):
    """A mini book whose one paragraph is translated, after a first `translate.py es`."""
    mini_book.write("chapter.md", "# A chapter\n\nThe learning rate is small.\n")
    assert translate(mini_book.root, "es").returncode == 0
    po_path = mini_book.root / "locales" / "es" / "LC_MESSAGES" / "chapter.po"
    po = polib.pofile(str(po_path))
    po.find("A chapter").msgstr = "Un capítulo"
    po.find("The learning rate is small.").msgstr = "La tasa de aprendizaje es pequeña."
    po.save()
    return mini_book, po_path


def test_an_edited_paragraph_keeps_its_old_translation_as_fuzzy(translated_mini_book):
    mini_book, po_path = translated_mini_book
    mini_book.write("chapter.md", "# A chapter\n\nThe learning rate is very small.\n")
    result = translate(mini_book.root, "es")
    assert result.returncode == 0, result.stderr
    entry = polib.pofile(str(po_path)).find("The learning rate is very small.")
    assert entry.msgstr == "La tasa de aprendizaje es pequeña."
    assert "fuzzy" in entry.flags
    check = translate(mini_book.root, "--check", "es")
    assert check.returncode == 1
    assert "chapter.po" in check.stdout and "fuzzy" in check.stdout


def test_a_rewritten_paragraph_keeps_its_old_translation_as_obsolete(translated_mini_book):
    mini_book, po_path = translated_mini_book
    mini_book.write("chapter.md", "# A chapter\n\nSomething else entirely, with new words.\n")
    assert translate(mini_book.root, "es").returncode == 0
    obsolete = [e for e in polib.pofile(str(po_path)) if e.obsolete]
    assert [e.msgstr for e in obsolete] == ["La tasa de aprendizaje es pequeña."]


def test_a_paragraph_moved_to_a_new_page_keeps_its_translation(translated_mini_book):
    mini_book, po_path = translated_mini_book
    mini_book.write("chapter.md", "# A chapter\n\nA new paragraph.\n")
    mini_book.write("split.md", "# Split\n\nThe learning rate is small.\n")
    mini_book.write("index.md", "# Mini book\n\n```{toctree}\nchapter\nsplit\n```\n")
    assert translate(mini_book.root, "es").returncode == 0
    moved = polib.pofile(str(po_path.with_name("split.po"))).find("The learning rate is small.")
    assert moved.msgstr == "La tasa de aprendizaje es pequeña." and not moved.fuzzy
    old = polib.pofile(str(po_path)).find(moved.msgid, include_obsolete_entries=True)
    assert old.obsolete and old.msgstr == moved.msgstr  # and kept where it was


def check_with(translated_mini_book, source: str, broken: str) -> tuple[str, str]:
    """``translate --check`` on the mini book's catalog with one more entry: it fails; its
    output, and where the entry starts (``chapter.po:<line>``)."""
    mini_book, po_path = translated_mini_book
    po = polib.pofile(str(po_path))
    po.append(polib.POEntry(msgid=source, msgstr=broken))
    po.save()
    result = translate(mini_book.root, "--check", "es")
    assert result.returncode == 1
    line = polib.pofile(str(po_path)).find(source).linenum
    return result.stdout, f"locales/es/LC_MESSAGES/chapter.po:{line}"


@pytest.mark.parametrize(
    ("source", "broken", "lost"),
    [
        ("Its value is {glue:text}`lr:.2f`.", "Su valor es {glue:text}`tasa:.2f`.", "lr:.2f"),
        ("See {term}`epoch`.", "Véase la época.", "{term}"),
        ("The model is $\\hat y = xa$.", "El modelo es $y = xa$.", "$\\hat y = xa$"),
    ],
)
def test_a_translation_that_breaks_markup_is_rejected_with_file_and_line(
    translated_mini_book, source, broken, lost
):
    output, where = check_with(translated_mini_book, source, broken)
    assert f"{where}: the translation loses" in output and lost in output


@pytest.mark.parametrize(
    ("source", "broken", "check"),
    [
        (
            "The loss (of every point) falls.",
            "La pérdida (de cada punto cae.",
            "pofilter brackets (Missing ')')",
        ),
        (
            "Ten steps of 0.5 take it 3 times further.",
            "Diez pasos de 0,5 lo llevan el doble de lejos.",
            "pofilter numbers (Different numbers)",
        ),
    ],
)
def test_pofilter_finds_a_broken_bracket_or_number_with_file_and_line_unless_accepted(
    translated_mini_book, source, broken, check
):
    output, where = check_with(translated_mini_book, source, broken)
    assert f"{where}: {check}" in output

    mini_book, po_path = translated_mini_book
    po = polib.pofile(str(po_path))
    po.find(source).tcomment = f"pofilter: {check.split()[1]}"  # deliberate, says the translator
    po.save()
    assert "pofilter" not in translate(mini_book.root, "--check", "es").stdout


def pofilter(source: str, translation: str) -> list[str]:
    return pofilter_problems(polib.POEntry(msgid=source, msgstr=translation), CHECKER)


CHECKER = pofilter_checker("es")


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("A rate of 0.5, for 10,000 points.", "Una tasa de 0,5, para 10 000 puntos."),
        (
            "The {term}`learning rate` is small.",
            "La tasa de aprendizaje (*learning rate*) es baja.",
        ),
        (
            "It is {glue:text}`lr:.2f` (see {doc}`momentum`).",
            "Vale {glue:text}`lr:.2f` (véase el capítulo {doc}`momentum`).",
        ),
        ("Run `fit(x, 3)` and $f(2) = [1, 4)$ then.", "Ejecutamos `fit(x, 3)` y $f(2) = [1, 4)$."),
        ("Twice. (A full sentence.)", "Dos veces. (Una oración completa)."),
        (
            "L(a) = \\frac{1}{n} \\sum_i (a x_i - y_i)^2,",
            "L(a) = \\frac{1}{n} \\sum_i (a x_i - y_i)^2,",
        ),
        ("Adam", "Adam"),
        (
            "Returns the rate\nand the loss.\n\nSee above.",
            "Devuelve la tasa y la\npérdida.\n\nVéase arriba.",
        ),
    ],
)
def test_pofilter_reads_myst_markup_decimal_commas_and_glosses_as_right(source, translation):
    assert pofilter(source, translation) == []


@pytest.mark.parametrize(
    ("source", "translation", "check"),
    [
        ("Two steps (or three).", "Dos pasos (o tres.", "brackets"),
        ("After 40 steps it stops.", "Tras 50 pasos se detiene.", "numbers"),
        ("It stops.", "Se detiene", "endpunc"),
        ("It stops here.", "Se se detiene aquí.", "doublewords"),
        ("It stops here.", "Se detiene  aquí.", "doublespacing"),
        ("The loss stops falling here.", "The loss stops falling here.", "unchanged"),
        ("Figure {name} of {count}", "Figura {nombre} de {count}", "pythonbraceformat"),
        ("One.\n\nTwo.", "Uno. Dos.", "newlines"),
    ],
)
def test_pofilter_catches_what_a_translation_breaks(source, translation, check):
    assert [problem.split()[0] for problem in pofilter(source, translation)] == [check]


def test_every_real_catalog_passes_pofilter():
    found = [
        f"{path.name}:{entry.linenum}: {problem}"
        for lang in LANGUAGES[1:]
        for path in sorted(book.catalog_dir(lang).glob("*.po"))
        for entry in polib.pofile(str(path))
        if entry.msgstr and not entry.obsolete
        for problem in pofilter_problems(entry, pofilter_checker(lang))
    ]
    assert found == []


def test_an_untranslated_entry_fails_the_check_but_not_the_build(mini_book):
    mini_book.write("chapter.md", "# A chapter\n\nNot yet translated.\n")
    assert translate(mini_book.root, "es").returncode == 0
    check = translate(mini_book.root, "--check", "es")
    assert check.returncode == 1 and "untranslated: 'Not yet translated.'" in check.stdout
    assert mini_book.build("es").returncode == 0


def test_a_new_language_is_one_command(mini_book):
    result = translate(mini_book.root, "--add", "fr")
    assert result.returncode == 0, result.stdout + result.stderr
    declared = tomllib.loads((mini_book.root / "book" / "languages.toml").read_text())
    assert "fr" in declared
    assert (mini_book.root / "locales" / "fr" / "LC_MESSAGES" / "chapter.po").exists()
    terms = tomllib.loads((mini_book.root / "locales" / "fr" / "terms.toml").read_text())
    assert all(term["fr"] == [] for term in terms.get("term", []))  # to agree on, not checked yet
    assert mini_book.build().returncode == 0
    english = mini_book.page("en")
    assert 'hreflang="fr"' in english
    assert "chapter.html" in mini_book.page("fr")  # its own switch links back


LONG = (
    "Gradient descent walks downhill on the loss, one small step at a time, and the size of "
    "each step is the learning rate times the slope of the loss at the current parameters."
)


def test_a_one_sentence_edit_changes_only_its_entry_in_the_catalog(mini_book):
    paragraphs = [f"{LONG} Paragraph {n}." for n in range(4)]
    mini_book.write("chapter.md", "# A chapter\n\n" + "\n\n".join(paragraphs) + "\n")
    assert translate(mini_book.root, "es").returncode == 0
    po_path = mini_book.root / "locales" / "es" / "LC_MESSAGES" / "chapter.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = "Traducción de un párrafo largo, con sus palabras. " * 3
    po.save()  # polib wraps its own way, as any PO editor may
    assert translate(mini_book.root, "es").returncode == 0  # normalizes the layout
    before = po_path.read_text(encoding="utf-8")

    edited = paragraphs[2].replace("one small step", "one careful step")
    mini_book.write(
        "chapter.md",
        "# A chapter\n\n" + "\n\n".join([*paragraphs[:2], edited, *paragraphs[3:]]) + "\n",
    )
    assert translate(mini_book.root, "es").returncode == 0
    after = po_path.read_text(encoding="utf-8")

    # A catalog is entries separated by blank lines: exactly one of them differs.
    before_entries, after_entries = before.split("\n\n"), after.split("\n\n")
    pairs = zip(before_entries, after_entries, strict=True)  # as many entries as before
    changed = [(old, new) for old, new in pairs if old != new]
    assert len(changed) == 1, changed
    assert "#, fuzzy" in changed[0][1] and "one careful step" in changed[0][1]


def test_a_renamed_page_gets_no_catalog_under_its_old_name(mini_book):
    mini_book.write("chapter.md", "# A chapter\n\nSome prose.\n")
    assert translate(mini_book.root, "es").returncode == 0
    (mini_book.root / "book" / "chapter.md").rename(mini_book.root / "book" / "renamed.md")
    mini_book.write("index.md", "# Mini book\n\n```{toctree}\nrenamed\n```\n")
    assert translate(mini_book.root, "es").returncode == 0
    catalogs = mini_book.root / "locales" / "es" / "LC_MESSAGES"
    (catalogs / "chapter.po").unlink()  # the translator moves or removes the old catalog
    assert translate(mini_book.root, "es").returncode == 0
    assert (catalogs / "renamed.po").exists() and not (catalogs / "chapter.po").exists()


def test_a_translation_without_the_agreed_term_fails_the_check_unless_marked(mini_book):
    mini_book.write("chapter.md", "# A chapter\n\nThe learning rate is small.\n")
    assert translate(mini_book.root, "es").returncode == 0
    po_path = mini_book.root / "locales" / "es" / "LC_MESSAGES" / "chapter.po"
    po = polib.pofile(str(po_path))
    po.find("A chapter").msgstr = "Un capítulo"
    planted = po.find("The learning rate is small.")
    planted.msgstr = "El ritmo de aprendizaje es pequeño."
    po.save()
    line = polib.pofile(str(po_path)).find("The learning rate is small.").linenum
    check = translate(mini_book.root, "--check", "es")
    assert check.returncode == 1
    assert f"chapter.po:{line}: does not use the agreed term for 'learning rate'" in check.stdout

    po = polib.pofile(str(po_path))
    po.find("The learning rate is small.").tcomment = "terms: learning rate"
    po.save()
    assert "agreed term" not in translate(mini_book.root, "--check", "es").stdout


def test_the_contributing_guide_shows_the_agreed_terms():
    table = translate(REPO, "--terms", "es").stdout.strip()
    assert table.startswith("| English | Español |")
    assert table in (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_catalog_headers_follow_the_team_policy_whatever_tool_wrote_them():
    babel_header = (
        "# Spanish translations for PROJECT.\n# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.\n#\n#, fuzzy\n"
        'msgid ""\nmsgstr ""\n"Project-Id-Version: PROJECT VERSION\\n"\n'
        '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n'
        '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"\n'
        '"Language-Team: es <LL@li.org>\\n"\n"Language: es\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    )
    header = with_agreed_header(babel_header, "es")
    assert with_agreed_header(header, "es") == header  # stable: no churn on the next update
    for placeholder in ("PROJECT", "FIRST AUTHOR", "EMAIL@ADDRESS", "YEAR-MO-DA", "#, fuzzy"):
        assert placeholder not in header
    assert '"Last-Translator: The translators of Gradient Descent, Step by Step\\n"' in header
    assert '"Language-Team: Español, see CONTRIBUTING.md\\n"' in header
    assert header.endswith('\n\nmsgid "a"\nmsgstr "b"\n')


def test_dictionary_order_ignores_accents_and_hyphens_and_puts_n_tilde_after_n():
    from book_build.languages.editions import dictionary_order

    words = ["ñu", "nube", "error", "época", "log-verosimilitud", "logit", "Adam", "ánimo"]
    assert sorted(words, key=dictionary_order) == [
        "Adam", "ánimo", "época", "error", "logit", "log-verosimilitud", "nube", "ñu",
    ]  # fmt: skip


def test_each_edition_checks_its_own_agreed_terms(tmp_path, monkeypatch):
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "terms.toml").write_text(
        '[[term]]\nen = ["epoch"]\nes = ["época"]\nfr = ["époque"]\n\n'
        '[[term]]\nen = ["loss"]\nfr = []\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(translate_tool, "LOCALES", tmp_path)
    terms = translate_tool.load_terms("fr")
    assert [(english, forms) for english, _pattern, forms in terms] == [("epoch", ["époque"])]
    good = polib.POEntry(msgid="One epoch, one loss.", msgstr="Une époque, une perte.")
    bad = polib.POEntry(msgid="One epoch.", msgstr="Une época.")
    assert translate_tool.term_problems(good, terms) == []
    assert translate_tool.term_problems(bad, terms) == ["'epoch' (agreed: 'époque')"]
