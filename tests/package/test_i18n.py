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

# Every figure function of the package, found by itself: each public function of a module of
# descent whose return annotation is a matplotlib Figure or Animation (or a tuple holding one),
# called with example inputs; and the animation player. Prints {function: [every text it shows]}
# and {function: why it could not be drawn}.
DRAW_ALL = """
import collections.abc, dataclasses, html, importlib, inspect, json, pkgutil, re, typing
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from matplotlib.animation import Animation
from matplotlib.figure import Figure
from matplotlib.text import Text
import descent
from descent import animation, explorer_figures
from descent.data import make_line_data
from descent.fit import Fit, fit_gradient_descent, least_squares

torch.manual_seed(0)
x, y = make_line_data(n=20)
fit = fit_gradient_descent(x, y, start=(-1.0, 1.0), lr=0.1, steps=4)
steps = torch.arange(1.0, 9)
runs = torch.rand(4, 4)  # a tensor: 4 seeds (or settings) by 4 points of a curve
needed = torch.tensor([[9.0, 20], [5, 9], [5, 8], [90, 99]])

# Example inputs by "function.parameter", then "parameter: annotation", then parameter name
# (names mean the same across the package's modules); otherwise each input is made from its
# annotation (SCALARS, `runs` for a tensor, a list of len(runs), a tuple, a dataclass...).
EXAMPLES = {
    "x: torch.Tensor": x, "y: torch.Tensor": y, "params": fit.final,
    "optimum": least_squares(x, y), "path: torch.Tensor": fit.params,
    "losses: torch.Tensor": torch.tensor([2.0, 1.0]), "labels": torch.arange(20) % 3,
    "weights": torch.zeros(3, 3), "inputs": [x, 2 * x + 3], "bowls": [(x, y), (2 * x + 3, y)],
    "paths: collections.abc.Sequence[collections.abc.Sequence[torch.Tensor]]":
        [[fit.params] * 4] * 2,
    "distances": [steps.flip(0)] * 4, "lrs": [0.05, 0.1, 0.2, 0.3], "kappas": [[3.0, 30.0]] * 2,
    "tols": torch.tensor([1e-1, 1e-3]), "scales": [1.0, 0.1, 0.01, 0.001],
    "plot_train_test.runs": [(steps,) * 4] * 2, "plot_train_test.decays": [0.01, 0.0],
        "plot_plateaus.losses": runs, "plot_convergence.runs": [0.1 ** torch.arange(12.0)] * 4,
    "predicted": [0.1] * 2,
    "plot_steps_by_condition.steps": [needed] * 2, "plot_steps_by_tolerance.steps": [needed] * 2,
    "plot_schedules_and_batches.grid": steps[:4], "batch_sizes": [8, 32, 128, 512],
    "best": [0.2, 0.5, 1.0, 1.0], "blow_up": [1.3, 1.8, 1.8, 1.8], "reference": 32,
    "full_examples": torch.arange(4), "sgd_examples": torch.arange(4),
    "single": torch.rand(6, 2), "minibatch": torch.rand(3, 2), "full: torch.Tensor": runs,
    "plot_minibatch_gradients.full": torch.rand(2),
    "plot_paths.full": fit.params, "plot_paths.constant": fit.params,
    "plot_paths.decayed": fit.params,
    "paths: collections.abc.Sequence[torch.Tensor]": [fit.params] * 4,
    "plot_race_by_budget.full": runs.T, "plot_race_by_budget.constant": runs.T,
    "plot_race_by_budget.decayed": runs.T,
}
SCALARS = {float: 0.1, int: 3, str: "«x»", bool: False}  # a string from the caller: its own


def name_of(hint):
    if isinstance(hint, type):
        return f"{hint.__module__}.{hint.__qualname__}".removeprefix("builtins.")
    return str(hint)


def made(hint):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in SCALARS:
        return SCALARS[hint]
    if hint is torch.Tensor:
        return runs
    if hint is Fit:
        return fit
    if dataclasses.is_dataclass(hint):
        fields = typing.get_type_hints(hint)
        return hint(**{f.name: made(fields[f.name]) for f in dataclasses.fields(hint)})
    if origin is tuple:
        return tuple(made(arg) for arg in args)
    if origin is dict:
        return {name: made(args[1]) for name in ("momentum", "adam")}
    if origin in (list, collections.abc.Sequence):
        return [made(args[0])] * len(runs)
    raise LookupError(f"no example input for {name_of(hint)}")


def example(function, parameter):
    hint = typing.get_type_hints(function).get(parameter.name)
    for key in (f"{function.__name__}.{parameter.name}",
                f"{parameter.name}: {name_of(hint)}", parameter.name):
        if key in EXAMPLES:
            return EXAMPLES[key]
    if parameter.default is not inspect.Parameter.empty:
        return parameter.default
    return made(hint)


def draws(function):
    returned = str(typing.get_type_hints(function).get("return", ""))
    return "matplotlib.figure.Figure" in returned or "matplotlib.animation" in returned


def texts(fig):
    fig.canvas.draw()
    shown = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    plt.close(fig)
    return shown


figures, failures = {}, {}
for info in pkgutil.iter_modules(descent.__path__):
    module = importlib.import_module(f"descent.{info.name}")
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ != module.__name__ or name.startswith("_") or not draws(function):
            continue
        key = f"{info.name}.{name}"
        try:
            parameters = inspect.signature(function).parameters.values()
            drawn = function(**{p.name: example(function, p) for p in parameters})
            shown = drawn[0] if isinstance(drawn, tuple) else drawn
            extra = []
            if isinstance(shown, Animation):
                shown._draw_frame(3)  # the step counter shows its text
                extra = [v for k, v in vars(module).items() if k.endswith("_DESCRIPTION")]
                shown = shown._fig
            figures[key] = texts(shown) + extra
        except Exception as error:
            failures[key] = f"{type(error).__name__}: {error}"

player = animation.video_player(animation.animate_fit(x, y, fit), animation.FIT_DESCRIPTION).data
figures["animation.video_player"] = [player["description"], *player["labels"].values()]
# What a notebook shows of an explorer, which only the page can run
explorer = explorer_figures.slope_explorer(x, y)._repr_mimebundle_()["text/plain"]
figures["explorer_drawing.Explorer._repr_mimebundle_"] = [explorer]
print(json.dumps({"figures": figures, "failures": failures}))
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

    drawn = json.loads(run(DRAW_ALL, "xx", tmp_path))
    figures, failures = drawn["figures"], drawn["failures"]
    assert not failures, f"figure functions DRAW_ALL could not call: give them EXAMPLES {failures}"
    # Found by their annotations: the modules of every kind of figure, and each one's functions.
    for found in ("plots.plot_data", "animation.animate_fit", "sgd_plots.plot_paths"):
        assert found in figures
    assert len({name.split(".")[0] for name in figures}) >= 10
    for name, texts in figures.items():
        assert any("«" in text for text in texts), f"{name} draws no translated word"
        for text in texts:
            # Outside the guillemets: numbers, symbols, math ($10^{-1}$ on a log scale) and
            # variables (x₁): never a word.
            rest = re.sub(r"«[^»]*»|\$[^$]*\$", "", text)
            assert not re.search("[A-Za-z]{2}", rest), f"{name} draws {text!r} untranslated"
