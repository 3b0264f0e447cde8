"""Where everything is, which editions the book has, which pages are chapters.

Every other module asks here; nothing else reads ``book/languages.toml`` or builds these paths.
The package sits in ``tools/book_build`` of the repository (installed editable, or put on
``PYTHONPATH`` by the tests' copies of the project), so the repository is two folders up.
"""

import os
import re
import shutil
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
REDIRECTS_FILE = BOOK / "redirects.txt"  # old page, new page: sphinxext-rediraffe's format
NOT_FOUND = "404"  # book/404.md, each edition's "page not found" (book_build.web.addresses)
PACKAGE = "descent"  # the book's own package, which the chapters import and show
BUILD_PACKAGE_DIR = REPO / "tools" / "book_build"  # the build, this package
BUILD_CATALOG = "book_build"  # the build's own words: locales/<lang>/LC_MESSAGES/book_build.po
PACKAGE_DIR = REPO / "code" / PACKAGE
PYPROJECT = REPO / "pyproject.toml"  # the package's name, version and dependencies
CONSTRAINTS = REPO / "constraints.txt"  # the exact version of every package the book is built with
WHEEL_DIR = BUILD / "wheel"  # the package's wheel, built once for every edition
# The site and the catalogs carry no date: SOURCE_DATE_EPOCH=0 fixes the catalogs' creation
# date, and Sphinx reads 0 as unset, so the copyright year stays the book's. (The wheel's date is
# 1980, the earliest a zip holds: offline/wheel.py; the PDF's, its last commit: commands/pdf.py.)
UNDATED = {"SOURCE_DATE_EPOCH": "0"}
PAGES_BRANCH = "gh-pages"  # the branch the Pages workflow publishes the site to


def languages() -> dict[str, dict[str, str]]:
    """The editions, source language first: ``{code: {"name": ..., "title": ...}}``."""
    return tomllib.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))


def bcp47(code: str) -> str:
    """An edition's code as ``lang`` and ``hreflang`` attributes want it: ``pt_BR`` -> ``pt-BR``."""
    return code.replace("_", "-")


def redirects() -> dict[str, str]:
    """``{old page: new page}`` for every page renamed or split (``book/redirects.txt``)."""
    lines = (REDIRECTS_FILE.read_text(encoding="utf-8").splitlines()
             if REDIRECTS_FILE.exists() else [])  # fmt: skip
    pairs = (line.split() for line in lines if line.strip() and not line.startswith("#"))
    return {Path(old).stem: Path(new).stem for old, new in pairs}


def site_url() -> str:
    """The published site's address, ending in "/", or "" (``BOOK_SITE_URL``; see conf.py)."""
    url = os.environ.get("BOOK_SITE_URL", "")
    return url.rstrip("/") + "/" if url else ""


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


def package_metadata() -> dict:
    """The ``[project]`` table of the package: its name, version, dependencies."""
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def wheel_name() -> str:
    """The file name of the package's wheel: ``descent-<version>-py3-none-any.whl``."""
    metadata = package_metadata()
    return f"{metadata['name']}-{metadata['version']}-py3-none-any.whl"


def normalized(name: str) -> str:
    """A package name as pip compares them (PEP 503): ``Imageio_FFmpeg`` is ``imageio-ffmpeg``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_dependencies() -> list[str]:
    """The package's dependencies at the versions the book is built with (``constraints.txt``)."""
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        name, separator, version = line.split("#")[0].strip().partition("==")
        if separator:
            pins[normalized(name)] = version.strip()
    wanted = [re.match(r"[A-Za-z0-9._-]+", dependency).group(0)
              for dependency in package_metadata()["dependencies"]]  # fmt: skip
    missing = [name for name in wanted if normalized(name) not in pins]
    if missing:
        raise ValueError(f"{CONSTRAINTS} pins no version of {missing}")
    return [f"{name}=={pins[normalized(name)]}" for name in wanted]


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


# A copy of the project, built apart from it: the bench, the pseudo-locale check, the tests'
# small books. The wheel is made of these files beside code/ and locales/ (offline/wheel.py).
SOURCES = ("book", "code", "locales", "tools")
PROJECT_FILES = ("pyproject.toml", "README.md", "constraints.txt")
NOT_COPIED = shutil.ignore_patterns("*.mo", "*.egg-info", "node_modules", "__pycache__", "_build")


def copy_project(root: Path, folders: tuple[str, ...] = SOURCES) -> None:
    """Copy the project's sources into ``root``: no build output, no installed tools."""
    for folder in folders:
        shutil.copytree(REPO / folder, root / folder, ignore=NOT_COPIED)
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, root / name)
