"""Shared fixtures: the real book built once per test run, and small copies of the project.

The suite runs on every core (pytest-xdist, ``nox -s tests``). What is expensive and shared, the
book and the package's wheel, is made once per run by whichever worker asks first (``once``);
markers follow from the fixtures a test uses (``pytest_collection_modifyitems``), so a test that
builds is never left out of ``-m build`` by a forgotten decorator.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from filelock import FileLock
from playwright.sync_api import Locator, Page, sync_playwright
from xdist.scheduler import LoadScopeScheduling

from book_build.commands.lighthouse import GzipHandler
from book_build.project import BUILD_CATALOG, PACKAGE, copy_project

# One thread per test worker and per process it starts (builds, kernels, notebooks): as many
# workers as cores, so more threads would only fight over them (see book_build.commands.build).
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "_build" / "html"
# The marker a test gets from the fixtures it uses (directly or through another fixture).
MARKER_OF_FIXTURE = {
    "site": "build",  # the real book
    "mini_book": "build",  # a tiny copy of the project, built with Sphinx
    "reader": "build",  # a fresh virtual environment that runs the downloaded notebooks
    "books": "pdf",  # the PDF and ePub, TeX Live
    "browser": "browser",  # Chromium
}
MARKERS = sorted(set(MARKER_OF_FIXTURE.values()))  # a test with none of them is "unit"


@pytest.fixture(autouse=True)
def close_figures():
    """The figures a test drew with pyplot are closed after it (pyplot keeps every one open)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def data():
    """The points the chapters fit (``descent.data.make_line_data``): ``x, y``."""
    from descent.data import make_line_data

    return make_line_data()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--chapter",
        metavar="NAME",
        help="only what checks the chapter book/NAME.md: the tests of the package modules it "
        "reaches, every test run for its page or notebook, and the checks of the whole book "
        "marked each_chapter (its catalog is one of them)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in MARKER_OF_FIXTURE.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)
        if not any(item.get_closest_marker(marker) for marker in MARKERS):
            item.add_marker("unit")
    # Handed out in this order (`--no-loadscope-reorder`): the readers' notebooks first, the
    # longest work of the run; then the files in order, so the package's tests, which need no
    # site, keep the other worker busy while the site builds.
    items.sort(key=lambda item: not item.nodeid.startswith(READERS))
    if chapter := config.getoption("chapter"):
        kept = [item for item in items if checks_chapter(item, chapter)]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


# --- How the two workers share the tests (pytest-xdist, `--dist loadscope`) ----------------
# What travels whole to one worker: the readers' notebooks, which share one environment (about
# six minutes of runs); each module of the package's tests, which share their module's fixtures
# (trainings, videos); and the PDF's tests, one of which builds the PDF again in the edition's
# own folder while others read its LaTeX log. Every other test travels alone, so that the
# workers end together: with `--dist load`, which hands out chunks that stay with the worker
# that got them, one worker ran a queue of end-to-end builds for two minutes after the other had
# run out of tests.
# (`--dist loadgroup` would say this with marks, but pytest 9.2 drops them from the test ids:
# pytest-dev/pytest-xdist#1386.)
READERS = "tests/tools/offline/test_notebooks.py"
TRAVELS_WHOLE = (
    READERS,
    "tests/package/",
    "tests/tools/paper/test_pdf.py",
)


class Scopes(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return module if module.startswith(TRAVELS_WHOLE) else nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    return Scopes(config, log) if config.getvalue("dist") == "loadscope" else None


def checks_chapter(item: pytest.Item, chapter: str) -> bool:
    """Whether ``item`` is part of one chapter's check (``--chapter``)."""
    params = getattr(item, "callspec", None)
    values = params.params.values() if params else ()
    if any(chapter in (value, getattr(value, "stem", None)) for value in values):
        return True  # run for this chapter's page, notebook or catalog
    if item.get_closest_marker("each_chapter"):
        return True
    return bool(item.get_closest_marker("unit")) and item.path.name in unit_tests_of(chapter)


@functools.cache
def unit_tests_of(chapter: str) -> set[str]:
    """The test files that import a module of the package that ``chapter`` reaches."""
    from book_build import project
    from book_build.execution import dependencies

    page = project.BOOK / f"{chapter}.md"
    if page not in project.chapters():
        names = ", ".join(p.stem for p in project.chapters())
        raise pytest.UsageError(f"--chapter {chapter}: no chapter book/{chapter}.md ({names})")
    reached = {
        f"{project.PACKAGE}.{path.stem}"
        for path in dependencies.dependencies(page, project.PACKAGE_DIR, Path("none"))
        if path.suffix == ".py" and path.stem != "__init__"
    }
    return {
        test.name
        for test in Path(__file__).parent.rglob("test_*.py")
        if reached & dependencies.imported_names(test.read_text(encoding="utf-8"), "descent")
    }


def once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[], str]) -> str:
    """``make()`` run once for the whole test run: the first worker to ask runs it, the others
    wait for it and get what it returned (a JSON-able value)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's, only
    result = shared / f"{name}.json"
    with FileLock(shared / f"{name}.lock"):
        if not result.exists():
            result.write_text(json.dumps(make()))
        return json.loads(result.read_text())


def project_env(project: Path, **extra: str) -> dict:
    """An environment in which ``project``'s own package and build come first on the path."""
    path = os.pathsep.join(str(project / folder) for folder in ("code", "tools"))
    return {**os.environ, "PYTHONPATH": path, **extra}


def run_build(
    project: Path, *langs: str, env: dict | None = None, command: str = "book_build.commands.build"
) -> subprocess.CompletedProcess:
    """Run the project's own build command, as `nox -s book` (or `nox -s pdf`) does."""
    return subprocess.run(
        [sys.executable, "-m", command, *langs],
        cwd=project,
        capture_output=True,
        text=True,
        env=env or project_env(project),
    )


def tests_pdf(session: pytest.Session) -> bool:
    return any(item.get_closest_marker("pdf") for item in session.items)


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest, tmp_path_factory, package_wheel: Path) -> Path:
    """The real book, both editions, built (incrementally) once per test run: as `nox -s pdf`
    builds it when the run tests the PDF and ePub (the pages then link to them), else as
    `nox -s book` does. Every test reads this one site; nothing rebuilds it afterwards. (The
    wheel comes first: the build finds it made, and no two processes write it at once.)"""
    command = (
        "book_build.commands.pdf" if tests_pdf(request.session) else "book_build.commands.build"
    )

    def build() -> str:
        result = run_build(REPO, command=command)
        return "" if result.returncode == 0 else result.stdout[-8000:] + result.stderr[-3000:]

    failure = once(tmp_path_factory, "site", build)
    assert not failure, failure
    return SITE


@pytest.fixture(scope="session")
def package_wheel(tmp_path_factory) -> Path:
    """The package's wheel, built (or found up to date) once for the whole test run."""
    from book_build.offline import wheel

    return Path(once(tmp_path_factory, "wheel", lambda: str(wheel.build_wheel())))


# What makes a page a notebook the build executes (myst-nb's front matter), as a chapter has it.
NOTEBOOK = (
    "---\nfile_format: mystnb\n"
    "kernelspec: {name: python3, display_name: Python 3, language: python}\n---\n\n"
)


class MiniBook:
    """A copy of the project's machinery (tools, config, templates, package, catalogs) with a
    tiny book, so a test can break one thing and build in seconds."""

    def __init__(self, root: Path, wheel: Path):
        self.root = root
        copy_project(root, folders=("tools", "code", "locales"))  # a book of its own
        # The same package makes the same wheel: its build sees it up to date (by fingerprint).
        (root / "_build" / "wheel").mkdir(parents=True)
        for made in (wheel, wheel.with_name(wheel.name + ".sha256")):
            shutil.copy(made, root / "_build" / "wheel" / made.name)
        book = root / "book"
        book.mkdir()
        for name in ("conf.py", "languages.toml", "references.bib"):
            shutil.copy(REPO / "book" / name, book / name)
        for folder in ("_templates", "_static"):
            shutil.copytree(REPO / "book" / folder, book / folder)
        # The copy's catalogs belong to the real chapters; start the mini book without them.
        for po in (root / "locales").rglob("*.po"):
            if po.stem not in (PACKAGE, "sphinx", BUILD_CATALOG):  # the interface's
                po.unlink()
        self.write("index.md", "# Mini book\n\n```{toctree}\nchapter\n```\n")
        self.write_chapter("x = 1 + 1\nx")

    def write(self, name: str, text: str) -> Path:
        path = self.root / "book" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_notebook(self, name: str, text: str) -> Path:
        """``book/name``, a page the build executes: the chapters' front matter, then ``text``."""
        return self.write(name, NOTEBOOK + textwrap.dedent(text))

    def write_chapter(self, cell: str, name: str = "chapter") -> Path:
        return self.write_notebook(
            f"{name}.md", f"# A chapter\n\nSome prose.\n\n```{{code-cell}} ipython3\n{cell}\n```\n"
        )

    def write_catalog(self, page: str, translations: dict[str, str], lang: str = "es") -> Path:
        """The catalog of ``page`` with these ``msgid: msgstr`` entries."""
        entries = "".join(f'\nmsgid "{k}"\nmsgstr "{v}"\n' for k, v in translations.items())
        path = self.root / "locales" / lang / "LC_MESSAGES" / f"{page}.po"
        header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        path.write_text(header + entries, encoding="utf-8")
        return path

    def build(
        self, *langs: str, path: str | None = None, env: dict | None = None
    ) -> subprocess.CompletedProcess:
        # The kernel and Sphinx import this copy's package and build, not the installed ones.
        extra = {**({"PATH": path} if path is not None else {}), **(env or {})}
        return run_build(self.root, *langs, env=project_env(self.root, **extra))

    def page(self, lang: str, name: str = "chapter") -> str:
        return (self.root / "_build" / "html" / lang / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture
def mini_book(tmp_path: Path, package_wheel: Path) -> MiniBook:
    return MiniBook(tmp_path / "project", package_wheel)


# --- The browser: Debian's Chromium, driven by Playwright, against the site served with gzip --
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Every Content-Security-Policy violation of the page, as the browser reports it.
RECORD_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(
  `${e.violatedDirective}: ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
window.layoutShift = 0;  // the page's cumulative layout shift, as Lighthouse counts it
new PerformanceObserver((list) => list.getEntries().forEach((e) => {
  if (!e.hadRecentInput) window.layoutShift += e.value;
})).observe({type: "layout-shift", buffered: true});"""


def serving(folder: Path, policy: str = ""):
    """``folder`` served on 127.0.0.1 with gzip, as a static host serves the site, and with
    ``policy`` as its Content-Security-Policy header if one is given: its address, for a
    fixture to yield from."""

    class Handler(GzipHandler):
        def end_headers(self):
            if policy:
                self.send_header("Content-Security-Policy", policy)
            super().end_headers()

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def base_url(site: Path):
    yield from serving(site)


@pytest.fixture(scope="module")
def browser():
    # A missing browser is a failure, not a skip: CI must test pages in a real one.
    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(locale="en-US")
    yield watched(context.new_page())
    context.close()


def watched(page: Page) -> Page:
    """``page``, recording every request it makes, every error it reports (a Content-Security-
    Policy violation is one too), and the bytes each response took on the wire."""
    page.requested, page.errors, page.finished = [], [], []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("request", lambda request: page.requested.append(request.url))
    page.on("requestfinished", lambda request: page.finished.append(request))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))  # 404s too
    return page


QUIET = 0.1  # seconds with no request in flight after the load event: the page has it all


def visit(page: Page, url: str) -> Page:
    """``page`` at ``url``, loaded, with every request it made finished. Not Playwright's
    "networkidle", which waits a fixed 500 ms of quiet after the last request: about 0.4 s more
    a visit, close to a minute of a worker's time over the suite. The checks that follow see
    the same requests (``watched``)."""
    in_flight: set = set()
    listeners = {
        "request": lambda request: in_flight.add(request),
        "requestfinished": lambda request: in_flight.discard(request),
        "requestfailed": lambda request: in_flight.discard(request),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    page.goto(url, wait_until="load")
    quiet_since, deadline = time.monotonic(), time.monotonic() + 30
    while time.monotonic() - quiet_since < QUIET:
        page.wait_for_timeout(20)  # Playwright delivers the page's events meanwhile
        if in_flight:
            quiet_since = time.monotonic()
            assert time.monotonic() < deadline, f"{url}: still loading {in_flight}"
    for event, listener in listeners.items():
        page.remove_listener(event, listener)
    return page


def reached(locator: Locator) -> Locator:
    """``locator`` once the reader has scrolled to it: sections far from the screen are not laid
    out (content-visibility), and their text is not rendered text until the next frame."""
    locator.scroll_into_view_if_needed()
    locator.evaluate("e => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return locator


PHONE = {"width": 375, "height": 740}
