"""Sessions for building, previewing, testing and translating the book.

nox -s book                  build every edition into _build/html/
nox -s pdf                   each edition's PDF and ePub into _build/pdf/, then the site
nox -s tests                 every test (-- -m unit: the fast ones; -- --chapter NAME: one chapter)
nox -s serve [-- es]         live preview at http://127.0.0.1:8000
nox -s translations [-- --check]   update (or check) the gettext catalogs
nox -s translations -- --pseudo    build a pseudo-translated edition: every text must be translated
nox -s add-language -- fr    create the catalogs of a new edition
nox -s lint                  ruff
nox -s bench [-- pages]      measure builds and Lighthouse scores into _build/bench/
"""

from pathlib import Path

import nox

REPO = Path(__file__).parent
PYTHON = "3.11"
CONSTRAINTS = ("-c", "constraints.txt")  # every version pinned; torch is the CPU wheel

nox.options.sessions = ["book", "tests"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True


def install_book(session: nox.Session, *extras: str) -> None:
    """The book's package (code/) and its build (tools/), editable, with pinned dependencies."""
    package = f".[{','.join(extras)}]" if extras else "."
    # Not byte-compiled at install (PyTorch's thousands of modules): Python compiles the ones a
    # build or a test imports, once, as it imports them. A fresh tests environment: 59 s, not 70.
    session.install(*CONSTRAINTS, "-e", package, "-e", "./tools", env={"PIP_NO_COMPILE": "1"})
    # GNU gettext's msgfmt: the build says so, with how to install it, if it is missing
    # (book_build.languages.catalogs).


@nox.session(python=PYTHON)
def book(session: nox.Session) -> None:
    """Execute every chapter and build all editions into _build/html/<lang>/."""
    install_book(session)
    session.run("python", "-m", "book_build.commands.build", *session.posargs)
    session.log(f"Open {REPO / '_build' / 'html' / 'index.html'}")


@nox.session(python=PYTHON)
def pdf(session: nox.Session) -> None:
    """Build each edition's PDF and ePub into _build/pdf/<lang>/ (TeX Live: see the README),
    then the site, whose pages link to them; `nox -s book` keeps publishing these files."""
    install_book(session)
    session.run("python", "-m", "book_build.commands.pdf", *session.posargs)
    session.log(f"PDF and ePub of each edition in {REPO / '_build' / 'pdf'}")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Every test: the package's, the book's builds, its pages in Chromium, its notebooks, its
    PDF and ePub. Loops for authors: `-- -m unit` (about a minute), `-- --chapter NAME`."""
    install_book(session, "test")
    # axe-core, injected into pages by the browser tests; pinned by tests/browser/package-lock.json
    if not (REPO / "tests" / "browser" / "node_modules" / "axe-core").exists():
        session.run(
            "npm", "ci", "--prefix", "tests/browser", "--no-audit", "--no-fund", external=True
        )
    # One worker per core (pytest-xdist): builds, notebooks and Chromium overlap; what travels
    # whole to one worker is tests/conftest.py's choice (TRAVELS_WHOLE). `-n 0` after `--` runs
    # in one process, for a debugger.
    session.run(
        "pytest", "-n", "auto", "--dist", "loadscope", "--no-loadscope-reorder", *session.posargs
    )


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Live preview that rebuilds on save: `nox -s serve` (English) or `nox -s serve -- es`."""
    install_book(session)
    session.install(*CONSTRAINTS, "sphinx-autobuild")
    lang = session.posargs[0] if session.posargs else "en"  # an unknown one: Sphinx says so
    out = REPO / "_build" / "serve" / lang
    session.run(
        "sphinx-autobuild", "-n", "--keep-going", "-D", f"language={lang}",
        "-d", str(out / "doctrees"), "--host", "127.0.0.1", "--port", "8000",
        "--watch", "code", "--watch", "locales", "--re-ignore", r".*\.mo$",
        "book", str(out / "html"),
    )  # fmt: skip


@nox.session(python=PYTHON)
def translations(session: nox.Session) -> None:
    """Extract messages and update every catalog; with `-- --check`, only check them. With
    `-- --pseudo`, build a copy of the book whose catalogs mark and lengthen every message, and
    fail on any text a reader sees that skipped translation (a clean build of every chapter)."""
    install_book(session)
    if "--pseudo" in session.posargs:
        rest = [arg for arg in session.posargs if arg != "--pseudo"]
        session.run("python", "-m", "book_build.commands.pseudo", *rest)
        return
    session.run("python", "-m", "book_build.commands.translate", *session.posargs)


@nox.session(name="add-language", python=PYTHON)
def add_language(session: nox.Session) -> None:
    """Create the catalogs of a new edition: `nox -s add-language -- fr`."""
    install_book(session)
    session.run("python", "-m", "book_build.commands.translate", "--add", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the package, tests and tools."""
    session.install(*CONSTRAINTS, "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Measure clean and incremental builds, page weights and memory (_build/bench/report.md),
    then Lighthouse on every page (lighthouse.md); `-- pages` measures only the pages."""
    install_book(session)
    # Lighthouse, pinned by tools/lighthouse/package-lock.json; it drives Debian's Chromium.
    if not (REPO / "tools" / "lighthouse" / "node_modules" / "lighthouse").exists():
        session.run(
            "npm", "ci", "--prefix", "tools/lighthouse", "--no-audit", "--no-fund", external=True
        )
    session.run("python", "-m", "book_build.commands.bench", *session.posargs)
