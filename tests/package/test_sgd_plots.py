"""The figures of the SGD chapters: what they draw, and that every string on them is translated."""

import json
import re
import subprocess
import sys

import polib
import pytest
import torch

from conftest import REPO
from descent.data import make_line_data
from descent.fit import least_squares
from descent.sgd_plots import (
    plot_batch_sizes,
    plot_decay,
    plot_loss_by_examples,
    plot_minibatch_gradients,
    plot_paths,
    plot_race_by_budget,
)

CATALOG = REPO / "locales" / "es" / "LC_MESSAGES" / "descent.po"

# Draws every figure of the module and prints the strings on it, as JSON.
DRAW_ALL = """
import json
import matplotlib
matplotlib.use("Agg")
import torch
from descent.data import make_line_data
from descent.fit import least_squares
from descent import sgd_plots as p

x, y = make_line_data(n=20)
path = torch.tensor([[-1.0, 1.0], [1.0, 1.5], [2.9, 2.0]])
runs = torch.rand(5, 4) + 0.1
figures = [
    p.plot_minibatch_gradients(torch.rand(6, 2), torch.rand(3, 2), torch.rand(2), 10),
    p.plot_paths(x, y, least_squares(x, y), path, path, path),
    p.plot_loss_by_examples(torch.arange(4), runs, torch.arange(4), runs, 10),
    p.plot_decay(runs, runs, runs, 0.1, 0.5),
    p.plot_race_by_budget([1, 2, 3, 4], runs.T, runs.T, runs.T, 0.01),
    p.plot_batch_sizes([1, 10, 100, 1000], runs, runs, 10000),
]
texts = []
for fig in figures:
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_legend():
            texts += [t.get_text() for t in ax.get_legend().get_texts()]
print(json.dumps([t for t in texts if t]))
"""


def drawn_strings(lang: str) -> list[str]:
    env = {"DESCENT_LANG": lang, "DESCENT_LOCALE_DIR": str(REPO / "locales"), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", DRAW_ALL], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(result.stdout)


def test_every_string_of_the_spanish_figures_comes_from_the_catalog():
    subprocess.run(
        ["msgfmt", "-c", "-o", str(CATALOG.with_suffix(".mo")), str(CATALOG)], check=True
    )
    english, spanish = drawn_strings("en"), drawn_strings("es")
    assert len(english) == len(spanish) > 20
    # A translation with a field, "paso {step}", matches the drawn string with any value in it.
    translations = [
        re.compile(re.sub(r"\\\{[^{}]*?\\\}", ".+", re.escape(entry.msgstr)))
        for entry in polib.pofile(str(CATALOG))
        if entry.translated()
    ]
    for en, es in zip(english, spanish, strict=True):
        assert en != es, f"not translated: {en!r}"
        assert any(t.fullmatch(es) for t in translations), es


def test_minibatch_gradients_figure_marks_the_mean_and_the_full_gradient():
    minibatch = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    fig = plot_minibatch_gradients(torch.rand(5, 2), minibatch, torch.tensor([2.5, 3.5]), 2)
    ax = fig.axes[0]
    mean_marker, full_marker = ax.lines
    assert list(mean_marker.get_xydata()[0]) == [2.0, 3.0]
    assert list(full_marker.get_xydata()[0]) == [2.5, 3.5]
    assert ax.get_aspect() == 1.0


def test_paths_figure_draws_each_path_whole_and_near_the_optimum_with_equal_scales():
    x, y = make_line_data(n=20)
    optimum = least_squares(x, y)
    torch.manual_seed(0)
    paths = [optimum + torch.randn(k, 2) / k for k in (3, 5, 7)]
    fig = plot_paths(x, y, optimum, *paths)
    whole, near = fig.axes[:3], fig.axes[3:]
    for column, path in enumerate(paths):
        for ax in (whole[column], near[column]):
            assert ax.get_aspect() == 1.0
            assert torch.allclose(torch.tensor(ax.lines[0].get_xydata()).float(), path)
        assert str(len(path) - 1) in whole[column].get_title()
        (left, right), (bottom, top) = near[column].get_xlim(), near[column].get_ylim()
        assert left < optimum[0] < right and bottom < optimum[1] < top
        assert right - left < whole[column].get_xlim()[1] - whole[column].get_xlim()[0]


def test_loss_by_examples_draws_the_median_of_the_seeds():
    full = torch.tensor([[4.0, 1.0], [6.0, 3.0], [5.0, 2.0]])  # 3 seeds, 2 records
    sgd = torch.tensor([[4.0, 2.0, 1.0]] * 3)
    fig = plot_loss_by_examples(torch.tensor([0, 100]), full, torch.tensor([0, 50, 100]), sgd, 50)
    ax = fig.axes[0]
    assert list(ax.lines[0].get_ydata()) == [5.0, 2.0]
    assert list(ax.lines[1].get_xdata()) == [0, 50, 100]
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    assert "3" in ax.get_title()


def test_decay_figure_draws_one_median_per_run_and_names_the_rates():
    slow, fast, decayed = torch.ones(4, 6), torch.full((4, 6), 2.0), torch.full((4, 6), 0.5)
    ax = plot_decay(slow, fast, decayed, 0.125, 0.5).axes[0]
    assert [list(line.get_ydata()) for line in ax.lines] == [[1.0] * 6, [2.0] * 6, [0.5] * 6]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "0.125" in labels[0] and "0.500" in labels[1] and "0.500" in labels[2]


def test_batch_sizes_figure_draws_the_medians_on_log_scales():
    one_step = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    fig = plot_batch_sizes([1, 10], one_step, one_step / 10, 100)
    left, right = fig.axes
    assert list(left.lines[0].get_ydata()) == [3.0, 4.0]
    assert list(right.lines[0].get_ydata()) == pytest.approx([0.3, 0.4])
    assert left.get_xscale() == right.get_xscale() == "log"
    assert "100" in right.get_title()


def test_race_by_budget_draws_each_method_s_median_per_budget_and_the_floor():
    full = torch.tensor([[4.0, 6.0, 5.0], [1.0, 3.0, 2.0]])  # 2 budgets, 3 seeds
    ax = plot_race_by_budget([1, 2], full, full / 2, full / 4, 0.5).axes[0]
    medians = [list(line.get_ydata()) for line in ax.lines[:3]]
    assert medians == [[5.0, 2.0], [2.5, 1.0], [1.25, 0.5]]
    assert list(ax.lines[3].get_ydata()) == [0.5, 0.5]  # the floor, across the axes
    assert ax.get_yscale() == "log" and len(ax.get_legend().get_texts()) == 4
