"""Build every edition of the book side by side and publish the ones that succeed.

    python -m book_build.commands.build [LANG ...]      # all editions when no language is given

Each edition is built incrementally in ``_build/editions/<lang>/`` (HTML, doctrees and its own
execution cache) with ``sphinx-build -n -W --keep-going``. Only an edition that builds cleanly
replaces ``_build/html/<lang>/``, so a broken edit never leaves a half-written site: the last
good one stays. ``_build/html/index.html`` sends a reader to the edition of their language.
"""

import sys

OLDEST_PYTHON = (3, 11)


def python_problem(version) -> "str | None":
    """Why this Python cannot build the book, or None. Plain enough for old Pythons to run."""
    if tuple(version[:2]) >= OLDEST_PYTHON:
        return None
    found = ".".join(str(part) for part in version[:3])
    return (
        f"the book needs Python 3.11 or newer, and this is Python {found}. "
        "Run `nox -s book`, which makes an environment with Python 3.11."
    )


# Checked before anything newer is imported (the build uses tomllib, new in 3.11).
if __name__ == "__main__" and python_problem(sys.version_info):
    sys.exit("error: " + python_problem(sys.version_info))

import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from book_build import project  # noqa: E402
from book_build.languages import catalogs  # noqa: E402
from book_build.offline import wheel  # noqa: E402
from book_build.web.assets import precompress, precompress_file  # noqa: E402
from book_build.web.landing import SCRIPT_FILE as LANDING_SCRIPT  # noqa: E402
from book_build.web.landing import write_landing_page, write_published_root  # noqa: E402

STRICT = ["-n", "-W", "--keep-going"]


def sphinx_command(lang: str) -> list[str]:
    work = project.edition_dir(lang)
    return [
        sys.executable, "-m", "sphinx", *STRICT, "-b", "html", "-D", f"language={lang}",
        "-d", str(work / "doctrees"), str(project.BOOK), str(work / "html"),
    ]  # fmt: skip


def relay(stream, prefix: str) -> None:
    for line in stream:
        sys.stdout.write(f"[{prefix}] {line}")
        sys.stdout.flush()


# The editions build at once, each running its chapters in a kernel: one thread per kernel, or
# PyTorch's threads in two kernels fight over the same cores (measured: a third more CPU time for
# the whole book, adam.md 33 s instead of 7 s; the pages come out the same, byte for byte).
ONE_THREAD = {"OMP_NUM_THREADS": "1"}


def build_editions(langs: list[str], first: Callable[[str], None] | None = None) -> dict[str, int]:
    """Build each edition in a thread of its own, all at once (they share nothing), and publish
    each one that succeeds as soon as it does; return the exit codes. ``first(lang)``, if given,
    runs in the edition's thread before its pages (the PDF command builds its books there): an
    edition never waits for another, and no core idles while the slower one finishes."""
    env = {**ONE_THREAD, **os.environ, "PYTHONHASHSEED": "0", **project.UNDATED}
    codes = dict.fromkeys(langs, 1)  # failed, until an edition is built and published

    def build(lang: str) -> None:
        if first:
            first(lang)
        proc = subprocess.Popen(
            sphinx_command(lang), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env,
        )  # fmt: skip
        relay(proc.stdout, lang)
        code = proc.wait()
        if code == 0:
            publish(lang)
        codes[lang] = code

    threads = [threading.Thread(target=build, args=(lang,)) for lang in langs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


# Not published: Sphinx's and sphinxext-rediraffe's build records, and the theme's icon script
# that no page loads (book_build.web.icons draws the icons without it).
# (Sphinx 9 keeps the last record as .buildinfo.bak when the configuration changes.)
UNPUBLISHED_NAMES = (".buildinfo*", "_rediraffe_redirected.json*", "fontawesome.js*")
UNPUBLISHED = shutil.ignore_patterns(*UNPUBLISHED_NAMES)


# Pages Sphinx writes that have no source in book/.
SPHINX_PAGES = {"genindex", "search"}


def drop_removed_pages(built: Path) -> None:
    """Sphinx never deletes what it wrote: a page renamed or removed in book/ would stay
    published, with outputs of older code. Its page, notebook and their copies go; the page
    that sends its old address on (book/redirects.txt) stays."""
    pages = {page.stem for page in project.BOOK.glob("*.md")} | SPHINX_PAGES
    kept = {"html": pages | set(project.redirects()), "ipynb": pages}
    for path in built.glob("*"):
        stem, _, suffixes = path.name.partition(".")  # "page", "html.gz"
        kind = suffixes.split(".")[0]
        if kind in kept and stem not in kept[kind]:
            path.unlink()


def publish(lang: str) -> None:
    """Replace ``_build/html/<lang>`` with the fresh build, never leaving a partial copy, with
    a ``.gz`` and a ``.br`` copy beside each text file for hosts that serve them."""
    site = project.SITE
    target, fresh, old = site / lang, site / f".{lang}.new", site / f".{lang}.old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    built = project.edition_dir(lang) / "html"
    drop_removed_pages(built)
    precompress(built, skip=UNPUBLISHED_NAMES)  # the icon script alone took 3 s a build
    shutil.copytree(built, fresh, ignore=UNPUBLISHED)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def published_pages() -> dict[str, list[str]]:
    """``{edition: [page]}``: the book's pages each published edition has, "not found" aside."""
    names = sorted(page.stem for page in project.BOOK.glob("*.md"))
    return {
        code: [name for name in names if name != project.NOT_FOUND]
        for code in project.languages()
        if (project.SITE / code / "index.html").exists()
    }


def editions_asked(argv: list[str]) -> list[str]:
    """The editions a command names (every one when it names none); an unknown one: exit 2."""
    editions = project.languages()
    unknown = [lang for lang in argv if lang not in editions]
    if unknown:
        print(f"error: {unknown} not declared in {project.LANGUAGES_FILE}", file=sys.stderr)
        sys.exit(2)
    return argv or list(editions)


def main(argv: list[str], first: Callable[[str], None] | None = None) -> int:
    """Build the editions ``argv`` names (every one when none); ``first``: see build_editions."""
    editions = project.languages()
    langs = editions_asked(argv)
    # The package's wheel, which every edition offers beside its notebooks: built once, here,
    # before the editions, which then only copy it.
    try:
        wheel.build_wheel()
    except (RuntimeError, catalogs.CatalogError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    project.SITE.mkdir(parents=True, exist_ok=True)
    codes = build_editions(langs, first)
    landing = write_landing_page(project.SITE, editions)
    root = write_published_root(project.SITE, project.site_url(), published_pages())
    for page in [landing, project.SITE / LANDING_SCRIPT] * bool(landing) + root:
        precompress_file(page)
    for lang in langs:
        state = "FAILED, the last good site was kept" if codes[lang] else "built"
        print(f"{lang}: {state} -> {project.SITE / lang}")
    if any(codes.values()):
        print(
            "The first error above names the file (and line, or the cell and its traceback). "
            "Fix it and build again: only what changed is redone.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
