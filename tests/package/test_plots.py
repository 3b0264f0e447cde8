"""The figures draw what they are given: the data, the lines, the loss and its contours."""

import numpy as np
import pytest
import torch

from descent.data import make_line_data
from descent.fit import least_squares
from descent.loss import mse
from descent.plots import (
    loss_view,
    plot_data,
    plot_line_fit,
    plot_loss_contour,
    plot_loss_history,
)


@pytest.fixture
def data():
    return make_line_data(n=20)


def test_plot_data_scatters_every_point_and_counts_them(data):
    x, y = data
    ax = plot_data(x, y).axes[0]
    assert np.allclose(ax.collections[0].get_offsets(), torch.stack([x[:, 0], y], dim=1))
    assert ax.get_title().startswith("20 ")  # English: "20 noisy points near a line"


def test_plot_line_fit_draws_the_line_of_the_parameters(data):
    x, y = data
    params = torch.tensor([1.5, -0.5])
    line = plot_line_fit(x, y, params).axes[0].lines[0]
    assert np.allclose(line.get_xdata(), [-1.0, 1.0])
    assert np.allclose(line.get_ydata(), [-2.0, 1.0])  # 1.5·(−1) − 0.5 and 1.5·1 − 0.5


@pytest.mark.parametrize(
    ("points", "margin", "aspect", "low", "high"),
    [
        ([[0.0, 0.0], [2.0, 1.0]], 0.5, 1.5, [-0.5, -0.5], [2.5, 1.5]),  # already 3 by 2
        ([[0.0, 0.0], [2.0, 1.0]], 0.5, 2.0, [-1.0, -0.5], [3.0, 1.5]),  # wider: 4 by 2
        ([[0.0, 0.0], [1.0, 4.0]], 0.0, 1.5, [-2.5, 0.0], [3.5, 4.0]),  # taller: 6 by 4
        ([[3.0, 2.0]], 1.0, 1.0, [2.0, 1.0], [4.0, 3.0]),  # one point: a square around it
    ],
)
def test_loss_view_holds_the_points_in_the_shape_asked(points, margin, aspect, low, high):
    view_low, view_high = loss_view(torch.tensor(points), margin, aspect)
    assert torch.allclose(view_low, torch.tensor(low))
    assert torch.allclose(view_high, torch.tensor(high))


def test_loss_contour_has_equal_scales_and_holds_the_path(data):
    x, y = data
    best = least_squares(x, y)
    path = torch.tensor([[-1.0, 1.0], [0.5, 1.4], [2.0, 1.8]])
    ax = plot_loss_contour(x, y, best, path=path).axes[0]
    assert ax.get_aspect() == 1.0  # one unit of slope as long as one unit of intercept
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    for slope, intercept in torch.cat([path, best.unsqueeze(0)]).tolist():
        assert x_low < slope < x_high and y_low < intercept < y_high
    drawn_path, star = ax.lines
    assert np.allclose(np.column_stack(drawn_path.get_data()), path)
    assert np.allclose(np.column_stack(star.get_data()), [best.tolist()])


def test_loss_contours_are_lines_of_equal_mse(data):
    x, y = data
    contours = plot_loss_contour(x, y, least_squares(x, y)).axes[0].collections[0]
    levels = contours.levels
    assert np.allclose(levels[1:] / levels[:-1], levels[1] / levels[0])  # log-spaced
    for level, path in list(zip(levels, contours.get_paths(), strict=True))[::4]:
        for slope, intercept in path.vertices[::25]:
            loss = mse(x @ torch.tensor([slope, intercept], dtype=torch.float32), y).item()
            assert loss == pytest.approx(level, rel=1e-2)


def test_plot_loss_history_draws_every_loss_on_a_log_scale():
    losses = torch.tensor([3.0, 2.0, 1.0])
    ax = plot_loss_history(losses).axes[0]
    assert np.allclose(ax.lines[0].get_ydata(), losses)
    assert ax.get_yscale() == "log"
