"""Spanish spelling of every translation, checked by hunspell with the Spanish dictionary.

Words the dictionary lacks but the book uses on purpose (minilote, PyTorch…) are listed in
locales/es/wordlist.txt, one per line.
"""

import re
import shutil
import subprocess

import polib
import pytest

from book_build.languages.markup import (
    CODE,
    HTML_CODE,
    HTML_TAG,
    LINK,
    MATH,
    PLACEHOLDER,
    ROLE,
    RST_ROLE,
    TERM,
    URL,
)  # fmt: skip
from conftest import REPO

CATALOGS = sorted((REPO / "locales" / "es" / "LC_MESSAGES").glob("*.po"))
WORDLIST = REPO / "locales" / "es" / "wordlist.txt"
# Markup is not words (a glossary term's visible text is: TERM keeps it first).
MARKUP = [HTML_CODE, HTML_TAG, ROLE, RST_ROLE, MATH, CODE, LINK, URL, PLACEHOLDER]


EMPHASIS = re.compile(r"\*([^*]+)\*")


def without_english_originals(entry: polib.POEntry) -> str:
    """The translation without the English originals it quotes in italics from its source, as
    a glossary term does: "tasa de aprendizaje (*learning rate*)". Other English stays in."""

    def quoted(match: re.Match) -> str:
        words = rf"(?<!\w){re.escape(match.group(1))}(?!\w)"
        return " " if re.search(words, entry.msgid, re.IGNORECASE) else match.group(0)

    return EMPHASIS.sub(quoted, entry.msgstr)


# A character no Spanish word has: brackets, dots, quotes, operators, a hyphen, a non-Latin
# letter (λmax), or a capital inside a word (RuntimeError).
CODE_CHARACTER = re.compile(r"[()\[\]{}._=/`\"'*<>-]|[^\W\d_a-zA-ZÀ-ɏ]|[a-z][A-Z]")
PUNCTUATION = ".,;:!?»"  # after a word; before one: ¿¡«


def without_copied_code(entry: polib.POEntry, text: str) -> str:
    """``text`` without the code a listing's comment names bare (``backward()``, ``a.grad``,
    ``scikit-learn``): a word that contains a code character and is copied unchanged from the
    entry's English source. English words left untranslated stay in, to be caught."""

    def bare(chunk: str) -> str:
        return chunk.rstrip(PUNCTUATION).lstrip("¿¡«")

    source = {bare(chunk) for chunk in entry.msgid.split()}

    def is_code(chunk: str) -> bool:
        return bare(chunk) in source and bool(CODE_CHARACTER.search(bare(chunk)))

    return " ".join(chunk for chunk in text.split() if not is_code(chunk))


def prose(text: str) -> str:
    text = TERM.sub(r"\1", text)
    for pattern in MARKUP:
        text = pattern.sub(" ", text)
    return text


def test_hunspell_is_installed():
    assert shutil.which("hunspell"), "apt-get install hunspell hunspell-es"


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.stem)
def test_spanish_spelling(catalog):
    # An entry copied as it is (a display-math block) is not prose.
    entries = [e for e in polib.pofile(str(catalog)) if e.translated() and e.msgstr != e.msgid]
    text = "\n".join(without_copied_code(e, prose(without_english_originals(e))) for e in entries)
    result = subprocess.run(
        ["hunspell", "-d", "es_ES", "-p", str(WORDLIST), "-l"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    unknown = sorted({word for word in result.stdout.split() if len(word) > 1})  # x, n: symbols
    assert not unknown, f"{catalog.name}: words hunspell does not know: {unknown}"
