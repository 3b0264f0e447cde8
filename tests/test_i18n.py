"""The package draws its figures in the edition's language."""

import subprocess
import sys

import polib
import pytest

from conftest import REPO

CATALOG = REPO / "locales" / "es" / "LC_MESSAGES" / "descent.po"

DRAW = """
import matplotlib
matplotlib.use("Agg")
from descent.data import make_line_data
from descent.plots import plot_data
ax = plot_data(*make_line_data()).axes[0]
print(ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), sep="\\n")
"""


def drawn_strings(lang: str) -> list[str]:
    env = {"DESCENT_LANG": lang, "DESCENT_LOCALE_DIR": str(REPO / "locales"), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", DRAW], capture_output=True, text=True, env=env, check=True
    )
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def spanish() -> dict[str, str]:
    subprocess.run(
        ["msgfmt", "-c", "-o", str(CATALOG.with_suffix(".mo")), str(CATALOG)], check=True
    )
    return {e.msgid: e.msgstr for e in polib.pofile(str(CATALOG)) if e.translated()}


def test_english_figures_use_the_source_strings():
    assert drawn_strings("en") == ["One hundred noisy points near a line", "input x", "target y"]


def test_spanish_figures_use_the_catalog(spanish):
    english = drawn_strings("en")
    assert drawn_strings("es") == [spanish[text] for text in english]
    assert not set(drawn_strings("es")) & set(english)


def test_explicit_strings_win_over_the_catalog():
    from descent.data import make_line_data
    from descent.plots import plot_data

    fig = plot_data(*make_line_data(), title="T", xlabel="X", ylabel="Y")
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "X", "Y")
