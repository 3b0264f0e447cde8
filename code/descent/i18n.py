"""Translate the strings the package draws (figure titles, labels, legends).

The book's build sets ``DESCENT_LANG`` to the edition's language before it starts the
kernel, so the figures of the Spanish edition come out in Spanish. The catalog is
``locales/<lang>/LC_MESSAGES/descent.po`` (compiled to ``.mo`` by the build).
"""

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "descent"
# The package is installed editable from code/, so the repository's locales/ sits two levels up.
DEFAULT_LOCALE_DIR = Path(__file__).resolve().parents[2] / "locales"


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
