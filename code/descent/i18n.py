"""Translate the strings the package draws (figure titles, labels, legends).

The book's build sets ``DESCENT_LANG`` to the edition's language before it starts the
kernel, so the figures of the Spanish edition come out in Spanish; a chapter's notebook sets it
in its first cell. The catalog is ``locales/<lang>/LC_MESSAGES/descent.po`` in the repository,
compiled to ``.mo`` by the build, which also puts the compiled catalogs into the package's
wheel (``descent/locales/``).
"""

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "descent"
# Installed from its wheel, the package carries its catalogs; installed editable from code/,
# it reads the repository's locales/, two levels up.
PACKAGE_LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE_DIR = (
    PACKAGE_LOCALE_DIR
    if PACKAGE_LOCALE_DIR.is_dir()
    else Path(__file__).resolve().parents[2] / "locales"
)


def language() -> str:
    """The edition's language: ``DESCENT_LANG``, English when unset."""
    return os.environ.get("DESCENT_LANG", "en")


@cache
def _translation(lang: str, locale_dir: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, locale_dir, languages=[lang], fallback=True)


def _(message: str) -> str:
    """Return ``message`` in the edition's language (English when no catalog exists)."""
    locale_dir = os.environ.get("DESCENT_LOCALE_DIR", str(DEFAULT_LOCALE_DIR))
    return _translation(language(), locale_dir).gettext(message)
