"""Gettext catalogs, checked and compiled strictly.

Sphinx accepts a malformed ``.po`` silently (Babel only warns, without the file name), so each
edition's build compiles its catalogs here first, with GNU ``msgfmt -c``, and stops on the
first error with the file and line.
"""

import os
import shutil
import subprocess
from pathlib import Path

from book_build.project import LOCALES, catalog_dir


class CatalogError(Exception):
    """A catalog cannot be used; the message names the file and line."""


def msgfmt() -> str:
    path = shutil.which("msgfmt")
    if path is None:
        raise CatalogError(
            "msgfmt (GNU gettext) is not installed; the build needs it to check catalogs. "
            "Install it: `apt-get install gettext` (Debian/Ubuntu) "
            "or `brew install gettext` (macOS)."
        )
    return path


def compile_catalog(po: Path) -> Path:
    """Compile ``po`` to the ``.mo`` beside it when the ``.po`` is newer; return the ``.mo``.

    The ``.mo`` is written only when ``msgfmt -c`` accepts the whole file, and left alone when
    it is up to date (rewriting it would make Sphinx re-read every page).
    """
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
        return mo
    tmp = mo.with_suffix(".mo.tmp")
    result = subprocess.run(
        [msgfmt(), "--check", "-o", str(tmp), str(po)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise CatalogError(
            f"msgfmt rejects the catalog {po}:\n{result.stderr.strip()}\n"
            "Fix the entry at the line named above (a missing quote, a stray keyword, a broken "
            "plural), then build again. Nothing was changed in the catalog."
        )
    tmp.replace(mo)
    return mo


def compile_catalogs(lang: str, locales: Path = LOCALES) -> list[Path]:
    """Check and compile every catalog of ``lang``; raise one :class:`CatalogError` naming all
    the bad ones (the good ones are compiled all the same)."""
    compiled, errors = [], []
    for po in sorted(catalog_dir(lang, locales).glob("*.po")):
        try:
            compiled.append(compile_catalog(po))
        except CatalogError as error:
            errors.append(str(error))
    if errors:
        raise CatalogError("\n\n".join(errors))
    return compiled
