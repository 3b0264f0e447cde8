"""Shared fixtures: the real book built once per test session, and small copies of the project."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "_build" / "html"
# Left out of copies of the project: build output and installed tools (Lighthouse is 100 MB).
NOT_COPIED = shutil.ignore_patterns("*.mo", "*.egg-info", "node_modules")


def project_env(project: Path, **extra: str) -> dict:
    """An environment in which ``project``'s own package and build come first on the path."""
    path = os.pathsep.join(str(project / folder) for folder in ("code", "tools"))
    return {**os.environ, "PYTHONPATH": path, **extra}


def run_build(project: Path, *langs: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the project's own build command, as `nox -s book` does."""
    return subprocess.run(
        [sys.executable, "-m", "book_build.build", *langs],
        cwd=project,
        capture_output=True,
        text=True,
        env=env or project_env(project),
    )


@pytest.fixture(scope="session")
def site() -> Path:
    """The real book, both editions, built (incrementally) exactly as `nox -s book` builds it."""
    result = run_build(REPO)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return SITE


# What the package's wheel is made of, beside code/ and locales/ (tools/book_build/wheel.py)
PROJECT_FILES = ("pyproject.toml", "README.md", "constraints.txt")


def copy_project(root: Path, folders=("tools", "code", "locales")) -> None:
    """Copy the project's sources (no build output) into ``root``."""
    for folder in folders:
        shutil.copytree(REPO / folder, root / folder, ignore=NOT_COPIED)
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, root / name)


@pytest.fixture(scope="session")
def package_wheel() -> Path:
    """The package's wheel, built (or found up to date) once for the whole test session."""
    from book_build import wheel

    return wheel.build_wheel()


class MiniBook:
    """A copy of the project's machinery (tools, config, templates, package, catalogs) with a
    tiny book, so a test can break one thing and build in seconds."""

    def __init__(self, root: Path, wheel: Path):
        self.root = root
        copy_project(root)
        # The same package makes the same wheel: its build sees it up to date (by fingerprint).
        shutil.copytree(wheel.parent, root / "_build" / "wheel")
        book = root / "book"
        book.mkdir()
        for name in ("conf.py", "languages.toml"):
            shutil.copy(REPO / "book" / name, book / name)
        for folder in ("_templates", "_static"):
            shutil.copytree(REPO / "book" / folder, book / folder)
        # The copy's catalogs belong to the real chapters; start the mini book without them.
        for po in (root / "locales").rglob("*.po"):
            if po.stem not in ("descent", "sphinx", "book_build"):
                po.unlink()
        self.write("index.md", "# Mini book\n\n```{toctree}\nchapter\n```\n")
        self.write_chapter("x = 1 + 1\nx")

    def write(self, name: str, text: str) -> Path:
        path = self.root / "book" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_chapter(self, cell: str, name: str = "chapter") -> Path:
        return self.write(
            f"{name}.md",
            "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n"
            f"  language: python\n---\n\n# A chapter\n\nSome prose.\n\n```{{code-cell}} ipython3\n"
            f"{cell}\n```\n",
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
