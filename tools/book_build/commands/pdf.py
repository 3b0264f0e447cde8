"""Build each edition's PDF and ePub, then the site, which links to them.

    python -m book_build.commands.pdf [LANG ...]      # all editions when no language is given

Each edition, side by side as in ``book_build.commands.build``, goes through Sphinx's LaTeX builder,
latexmk with XeLaTeX, and Sphinx's ePub builder, in ``_build/editions/<lang>/`` with doctrees
of their own but the edition's execution cache: chapters that the HTML build has run do not
run again. Only an edition whose PDF and ePub both build replaces ``_build/pdf/<lang>/``.
Then, in the same thread, ``book_build.commands.build`` builds the edition's pages, which link
to these files and copy them beside the pages.

Two builds of the same commit give the same bytes: every date is the last commit's
(``SOURCE_DATE_EPOCH``, which Sphinx and xdvipdfmx read; the figures' own PDFs carry one fixed
date, whichever build ran their chapter: ``execution/kernels.py``), and nothing is random.
"""

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from book_build import project
from book_build.commands import build

LATEXMK = ["latexmk", "-pdfxe", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error"]
TOOLS = {  # program: the Debian package that has it (the README lists them all)
    "xelatex": "texlive-xetex",
    "latexmk": "latexmk",
    "latex": "texlive-latex-base",  # the ePub's equations
    "dvisvgm": "dvisvgm",
}


def source_date() -> str:
    """The caller's ``SOURCE_DATE_EPOCH``, else the last commit's date (seconds since 1970)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=project.REPO, capture_output=True, text=True
    )
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "0"


def sphinx(builder: str, lang: str) -> list[str]:
    work = project.edition_dir(lang)
    return [
        sys.executable, "-m", "sphinx", *build.STRICT, "-b", builder, "-D", f"language={lang}",
        "-d", str(work / f"doctrees-{builder}"), str(project.BOOK), str(work / builder),
    ]  # fmt: skip


def run(command: list[str], lang: str, env: dict, cwd: Path | None = None) -> bool:
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    build.relay(proc.stdout, lang)
    return proc.wait() == 0


def build_books(lang: str, env: dict) -> bool:
    """The edition's PDF and ePub into ``_build/pdf/<lang>/``; False when either fails."""
    work, name = project.edition_dir(lang), project.book_name(lang)
    latex = work / "latex"
    # The ePub builder packs every file of its folder: empty it, so that what an extension
    # wrote there after an earlier build (notebooks, equations since edited) stays out.
    shutil.rmtree(work / "epub", ignore_errors=True)
    ok = (
        run(sphinx("latex", lang), lang, env)
        and run([*LATEXMK, f"{name}.tex"], lang, env, cwd=latex)
        and run(sphinx("epub", lang), lang, env)
    )
    if ok:
        built = {"pdf": latex / f"{name}.pdf", "epub": work / "epub" / f"{name}.epub"}
        for form, target in project.book_files(lang).items():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.new")
            shutil.copyfile(built[form], partial)
            if form == "epub":
                reproducible_epub(partial, int(env["SOURCE_DATE_EPOCH"]))
            partial.replace(target)  # never a half-written file where the site looks
    return ok


def reproducible_epub(path: Path, epoch: int) -> None:
    """The ePub at ``path`` with the same bytes on every build of a commit: each member dated
    ``epoch`` (Sphinx dates them by when each file was written), in the same member order and
    compression. (The equations' images are the same bytes already: book_build.paper.equations.)"""
    date = time.gmtime(max(epoch, 315532800))[:6]  # a zip cannot date anything before 1980
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w") as new:
        for info, data in members:
            info.date_time = date
            new.writestr(info, data)


def missing_tools() -> list[str]:
    return sorted({package for tool, package in TOOLS.items() if shutil.which(tool) is None})


def main(argv: list[str]) -> int:
    langs = build.editions_asked(argv)
    if missing := missing_tools():
        print(
            f"error: the PDF and ePub need TeX Live; install {' '.join(missing)} "
            "(`apt-get install`; the README lists every package).",
            file=sys.stderr,
        )
        return 2
    env = {
        **build.ONE_THREAD,
        **os.environ,
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": source_date(),
    }
    results = dict.fromkeys(langs, False)  # until an edition's books are built

    def books(lang: str) -> None:
        results[lang] = build_books(lang, env)
        state = "built" if results[lang] else "FAILED, the last good files were kept"
        print(f"{lang}: PDF and ePub {state} -> {project.BOOKS / lang}")

    site = build.main(langs, first=books)  # each edition's pages link to its files, and copy them
    return 1 if site or not all(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
