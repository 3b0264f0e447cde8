"""The book's package as a wheel, which a chapter's notebook installs.

``descent-<version>-py3-none-any.whl`` (name and version from ``pyproject.toml``) is built by
pip from a copy of the package to which the compiled ``descent.mo`` of each edition is added
(``descent/locales/<lang>/LC_MESSAGES/descent.mo``): an installed package draws its figures in
the reader's language, and the repository's ``locales/`` stays the only source of the catalogs.

Two builds give the same bytes: pip builds with this environment's setuptools (pinned in
``constraints.txt``), without build isolation, with fixed timestamps and file modes. The wheel
is built again only when a file it is made from changed.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Every file in a wheel gets this date (the oldest a zip file can hold, 1980-01-01).
from book_build import project
from book_build.languages import catalogs

# Every file in a wheel gets this date (the oldest a zip file can hold, 1980-01-01).
SOURCE_DATE_EPOCH = "315532800"


def catalogs_to_ship() -> dict[str, Path]:
    """``{language: descent.po}`` for every edition that has a catalog of figure strings."""
    found = {}
    for lang in project.languages():
        po = project.catalog_dir(lang) / f"{project.PACKAGE}.po"
        if po.exists():
            found[lang] = po
    return found


def sources() -> list[Path]:
    """The files the wheel is made from."""
    package = [
        path
        for path in sorted(project.PACKAGE_DIR.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    return [project.PYPROJECT, project.REPO / "README.md", *package, *catalogs_to_ship().values()]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sources():
        digest.update(str(path.relative_to(project.REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def stage(root: Path) -> None:
    """A copy of the package's project in ``root``, with the compiled catalogs added."""
    shutil.copy(project.PYPROJECT, root / "pyproject.toml")
    shutil.copy(project.REPO / "README.md", root / "README.md")
    package = root / "code" / project.PACKAGE
    shutil.copytree(project.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    for lang, po in catalogs_to_ship().items():
        target = package / "locales" / lang / "LC_MESSAGES" / f"{project.PACKAGE}.mo"
        target.parent.mkdir(parents=True)
        shutil.copy(catalogs.compile_catalog(po), target)
    for path in root.rglob("*"):  # the same modes whatever the umask of the checkout
        path.chmod(0o755 if path.is_dir() else 0o644)


def build_wheel() -> Path:
    """The path of the package's wheel in ``_build/wheel/``, built if it is missing or stale."""
    wheel = project.WHEEL_DIR / project.wheel_name()
    stamp = wheel.with_name(wheel.name + ".sha256")
    current = fingerprint()
    if wheel.exists() and stamp.exists() and stamp.read_text() == current:
        return wheel
    project.WHEEL_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wheel-", dir=project.WHEEL_DIR) as tmp:
        root, out = Path(tmp) / "project", Path(tmp) / "dist"
        root.mkdir()
        stage(root)
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
             "--no-index", "--quiet", "--wheel-dir", str(out), str(root)],
            capture_output=True, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONHASHSEED": "0"},
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"pip could not build the package's wheel:\n{result.stderr}")
        (out / wheel.name).replace(wheel)  # atomic: an edition never copies half a wheel
    stamp.write_text(current)
    return wheel


if __name__ == "__main__":
    print(build_wheel())
