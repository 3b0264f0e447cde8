"""The package draws its figures in the edition's language."""

import json
import re
import subprocess
import sys
from pathlib import Path

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

# Every figure and player of the package, drawn; prints {figure: [every text it shows]}.
DRAW_ALL = """
import html, json, re
import matplotlib
matplotlib.use("Agg")
import torch
from matplotlib.text import Text
from descent import animation, plots
from descent.data import make_line_data
from descent.fit import fit_gradient_descent, least_squares

x, y = make_line_data(n=20)
fit = fit_gradient_descent(x, y, start=(-1.0, 1.0), lr=0.1, steps=4)
curve = torch.tensor([2.0, 1.0])

def texts(fig):
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]

fit_animation = animation.animate_fit(x, y, fit)
path_animation = animation.animate_path(x, y, fit)
for anim in (fit_animation, path_animation):
    anim._draw_frame(3)  # the step counter shows its text
player = animation.video_player_html(fit_animation, animation.FIT_DESCRIPTION)
script = re.search(r"<script>.*</script>", player, re.S).group(0)
shown = re.sub(r"<[^>]*>", "\\n", player.replace(script, ""))
figures = {
    "plot_data": texts(plots.plot_data(x, y)),
    "plot_line_fit": texts(plots.plot_line_fit(x, y, fit.final)),
    "plot_loss_contour": texts(plots.plot_loss_contour(x, y, least_squares(x, y), path=fit.params)),
    "plot_loss_history": texts(plots.plot_loss_history(curve)),
    "animate_fit": texts(fit_animation._fig) + [animation.FIT_DESCRIPTION],
    "animate_path": texts(path_animation._fig) + [animation.PATH_DESCRIPTION],
    "video_player_html": [line for line in shown.splitlines() if line.strip()]
    + re.findall(r'aria-label="([^"]*)"', player)
    + list(json.loads(html.unescape(re.search(r'data-labels="([^"]*)"', player)[1])).values()),
}
from descent import classifier_plots as cp, generalization_plots as gp, network_plots as npl
from descent import optimizer_plots as op, rate_plots as rp

steps = torch.arange(1.0, 9)
runs, needed = torch.rand(5, 4), torch.tensor([[9.0, 20], [5, 9], [5, 8], [90, 99]])
figures |= {
    "plot_steps_by_tolerance": texts(op.plot_steps_by_tolerance(
        [(x, y), (x, y)], torch.tensor([1e-1, 1e-3]), [needed, needed], 1e-2)),
    "plot_steps_by_condition": texts(op.plot_steps_by_condition([[3.0, 30.0]] * 2, [needed] * 2)),
    "plot_losses_by_size": texts(gp.plot_losses_by_size(
        [10, 20], torch.tensor([0.07, 0.08]), torch.tensor([0.1, 0.09]), 1 / 12, 2)),
    "plot_losses_by_degree": texts(gp.plot_losses_by_degree(range(4), runs, runs)),
    "plot_regularization": texts(gp.plot_regularization([0.1, 1, 2, 3], runs, runs, runs, 0.1)),
    "plot_convergence": texts(op.plot_convergence([0.1 ** torch.arange(12.0)] * 4, [0.1] * 2, 4)),
    "plot_loss_against_accuracy": texts(cp.plot_loss_against_accuracy(steps, steps, steps / 9)),
    "plot_train_test": texts(cp.plot_train_test([(steps,) * 4] * 2, [0.01, 0.0])),
    "plot_digits": texts(npl.plot_digits([(torch.rand(8, 8), 3)] * 2)),
    "plot_graph": texts(npl.plot_graph()),
    "plot_plateaus": texts(npl.plot_plateaus([1, 0.1], runs[:2], runs[:2], 3.0)),
    "plot_range_tests": texts(rp.plot_range_tests(
        (steps, runs[:2].repeat(1, 2), 0.1, 0.2, 0.3),
        (steps, runs[:2].repeat(1, 2), 0.1, 0.2, 0.3, 0.4))),
    "plot_schedules_and_batches": texts(rp.plot_schedules_and_batches(
        steps[:4], runs[:4], 2.3, [8, 32, 128], [0.2, 0.5, 1.0], [1.3, 1.8, 1.8], 32)),
    "plot_races": texts(rp.plot_races([1.0, 1e-3], [{"momentum": runs, "adam": runs}] * 2)),
    "plot_separable": texts(op.plot_separable(1 / steps, 0.1**steps, 2)),
    "plot_noisy_sgd": texts(op.plot_noisy_sgd(
        steps, [1 / steps] * 2, [1 / steps] * 2, [("decaying", 1.0), ("constant", 0.5)])),
}
print(json.dumps(figures))
"""


def run(script: str, lang: str, locale_dir) -> str:
    env = {"DESCENT_LANG": lang, "DESCENT_LOCALE_DIR": str(locale_dir), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    return result.stdout


def drawn_strings(lang: str, locale_dir=REPO / "locales") -> list[str]:
    return run(DRAW, lang, locale_dir).splitlines()


@pytest.fixture(scope="module")
def spanish(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The Spanish catalog of figure strings compiled into a folder of this test's own (the
    build compiles the repository's at the same time), and its translations."""
    locales = tmp_path_factory.mktemp("locales")
    mo = locales / "es" / "LC_MESSAGES" / "descent.mo"
    mo.parent.mkdir(parents=True)
    subprocess.run(["msgfmt", "-c", "-o", str(mo), str(CATALOG)], check=True)
    return locales, {e.msgid: e.msgstr for e in polib.pofile(str(CATALOG)) if e.translated()}


def test_english_figures_use_the_source_strings():
    assert drawn_strings("en") == ["100 noisy points near a line", "input x", "target y"]


def test_spanish_figures_use_the_catalog(spanish):
    locales, translations = spanish
    english = drawn_strings("en")
    assert drawn_strings("es", locales) == [
        translations["{n} noisy points near a line"].format(n=100),
        translations["input x"],
        translations["target y"],
    ]
    assert not set(drawn_strings("es", locales)) & set(english)


def test_every_word_a_figure_or_player_shows_comes_from_the_catalog(tmp_path):
    # A made-up language whose catalog wraps every message of the package in « »: a word
    # drawn outside the guillemets did not go through descent.i18n._.
    pseudo = polib.POFile()
    pseudo.metadata = {"Content-Type": "text/plain; charset=utf-8"}
    for entry in polib.pofile(str(CATALOG)):
        if not entry.obsolete:
            pseudo.append(polib.POEntry(msgid=entry.msgid, msgstr=f"«{entry.msgid}»"))
    (tmp_path / "xx" / "LC_MESSAGES").mkdir(parents=True)
    pseudo.save_as_mofile(str(tmp_path / "xx" / "LC_MESSAGES" / "descent.mo"))

    figures = json.loads(run(DRAW_ALL, "xx", tmp_path))
    for name, texts in figures.items():
        assert any("«" in text for text in texts), f"{name} draws no translated word"
        for text in texts:
            # Outside the guillemets: numbers, symbols and math ($10^{-1}$ on a log scale).
            rest = re.sub(r"«[^»]*»|\$[^$]*\$", "", text)
            assert not re.search("[A-Za-z]", rest), f"{name} draws {text!r} untranslated"
