"""Where everything is, which editions the book has, which pages are chapters.

Every other module asks here; nothing else reads ``book/languages.toml`` or builds these paths.
The package sits in ``tools/book_build`` of the repository (installed editable, or put on
``PYTHONPATH`` by the tests' copies of the project), so the repository is two folders up.
"""

import re
import tomllib
import unicodedata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "book"
LOCALES = REPO / "locales"
BUILD = REPO / "_build"
SITE = BUILD / "html"
BOOKS = BUILD / "pdf"  # the PDF and ePub of each edition, built by `nox -s pdf`
LANGUAGES_FILE = BOOK / "languages.toml"
PACKAGE = "descent"  # the book's own package, which the chapters import and show
PACKAGE_DIR = REPO / "code" / PACKAGE


def languages() -> dict[str, dict[str, str]]:
    """The editions, source language first: ``{code: {"name": ..., "title": ...}}``."""
    return tomllib.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))


def source_language() -> str:
    return next(iter(languages()))


def edition_dir(lang: str) -> Path:
    """Where one edition is built: its HTML, doctrees and execution cache."""
    return BUILD / "editions" / lang


def book_name(lang: str) -> str:
    """The file name (no suffix) of an edition's PDF and ePub: its title in ASCII, hyphenated,
    so that a reader's download folder tells the editions apart."""
    letters = unicodedata.normalize("NFKD", languages()[lang]["title"])  # "é" is "e" + accent
    plain = letters.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def book_files(lang: str) -> dict[str, Path]:
    """An edition's PDF and ePub where `nox -s pdf` puts them: ``{"pdf": path, "epub": path}``."""
    return {form: BOOKS / lang / f"{book_name(lang)}.{form}" for form in ("pdf", "epub")}


def execution_cache(lang: str) -> Path:
    return edition_dir(lang) / "jupyter_cache"


def catalog_dir(lang: str, locales: Path = LOCALES) -> Path:
    return locales / lang / "LC_MESSAGES"


def front_matter(page: Path) -> dict:
    """The YAML front matter of a Markdown page (empty when it has none)."""
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    return (yaml.safe_load(text[4:end]) or {}) if end > 0 else {}


def is_chapter(page: Path) -> bool:
    """A chapter is a page that myst-nb executes: its front matter names a Jupyter kernel."""
    return "kernelspec" in front_matter(page)


def chapters(book: Path = BOOK) -> list[Path]:
    return [page for page in sorted(book.rglob("*.md")) if is_chapter(page)]
