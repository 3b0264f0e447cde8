import matplotlib.pyplot as plt
import pytest
import torch

from descent.conditioning import condition_number, scale_input
from descent.data import make_line_data
from descent.fit import least_squares
from descent.optimizer_plots import (
    method_names,
    plot_optimizer_losses,
    plot_optimizer_paths,
    plot_scaled_contours,
)

x, y = make_line_data(n=30)
shifted = scale_input(x, shift=3.0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def straight_path(x, y, steps=5):
    """From (-1, 1) to the optimum in equal steps."""
    start, end = torch.tensor([-1.0, 1.0]), least_squares(x, y)
    return torch.stack([start + (end - start) * t / steps for t in range(steps + 1)])


def test_scaled_contours_draw_each_bowl_on_equal_scales_with_its_condition_number():
    fig = plot_scaled_contours([x, shifted], y, steps=4)
    assert len(fig.axes) == 2
    for ax, inputs in zip(fig.axes, [x, shifted], strict=True):
        assert ax.get_aspect() == 1.0
        assert ax.get_title() == f"κ = {condition_number(inputs):.0f}"
        assert len(ax.lines[-1].get_xdata()) == 5  # the path: the start and 4 steps


def test_optimizer_paths_draw_one_row_per_bowl_one_panel_per_method():
    paths = [[straight_path(x, y)] * 4, [straight_path(shifted, y)] * 4]
    fig = plot_optimizer_paths([(x, y), (shifted, y)], paths)
    axes = [ax for subfig in fig.subfigs for ax in subfig.axes]
    assert len(axes) == 8
    assert all(ax.get_aspect() == 1.0 for ax in axes)
    kappa = condition_number(shifted)
    assert [ax.get_title() for ax in axes[4:]] == [f"{m}, κ = {kappa:.0f}" for m in method_names()]


def test_optimizer_losses_are_on_log_scales_with_a_legend_of_the_methods():
    paths = [[straight_path(x, y)] * 4, [straight_path(shifted, y)] * 4]
    fig = plot_optimizer_losses([(x, y), (shifted, y)], paths)
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert legend == method_names() == ["gradient descent", "heavy ball", "Nesterov", "Adam"]
    # The curves are the loss above its minimum: zero (not drawn on a log scale) at the optimum.
    assert fig.axes[0].lines[0].get_ydata()[-1] == pytest.approx(0.0, abs=1e-9)
