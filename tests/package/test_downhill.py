import numpy as np
import pytest
import torch

from descent.downhill import (
    curvature_along_slope,
    descend,
    loss_along_slope,
    plot_step_sizes,
    plot_tangent_step,
    plot_two_valleys,
    slope_of_loss,
    two_valleys,
    two_valleys_derivative,
)
from descent.fit import least_squares
from descent.loss import mse


def test_loss_along_slope_is_the_mse_of_each_line(data):
    x, y = data
    slopes = torch.tensor([-1.0, 0.5, 3.0])
    expected = [mse(x @ torch.tensor([w, 2.0]), y).item() for w in slopes.tolist()]
    assert loss_along_slope(x, y, slopes, 2.0).tolist() == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("w", [-1.0, 0.0, 2.5])
def test_slope_of_loss_is_the_autograd_derivative(data, w):
    x, y = data
    slope = torch.tensor([w], requires_grad=True)
    loss_along_slope(x, y, slope, 1.5).sum().backward()
    assert slope_of_loss(x, y, w, 1.5) == pytest.approx(slope.grad.item(), rel=1e-5)


def test_curvature_is_the_second_difference(data):
    x, y = data
    h = 0.5  # exact for a parabola at any h
    w = torch.tensor([1.0 - h, 1.0, 1.0 + h], dtype=torch.float64)
    left, mid, right = loss_along_slope(x.double(), y.double(), w, 2.0).tolist()
    assert curvature_along_slope(x) == pytest.approx((left - 2 * mid + right) / h**2, rel=1e-5)


def test_descend_by_hand():
    # derivative 2w (f = w²), lr 0.25: each step halves w
    assert descend(lambda w: 2 * w, 8.0, 0.25, 3) == [8.0, 4.0, 2.0, 1.0]


def test_each_step_multiplies_the_distance_by_one_minus_lr_times_curvature(data):
    x, y = data
    best = least_squares(x.double(), y.double())
    bottom, intercept = best.tolist()
    c = curvature_along_slope(x)
    for factor in (0.9, 0.5, -0.6, -1.2):
        lr = (1 - factor) / c
        path = descend(lambda w: slope_of_loss(x, y, w, intercept), -1.0, lr, 5)
        ratios = [(b - bottom) / (a - bottom) for a, b in zip(path, path[1:], strict=False)]
        assert ratios == pytest.approx([factor] * 5, abs=1e-3)


def test_one_step_of_one_over_the_curvature_lands_on_the_bottom(data):
    x, y = data
    bottom, intercept = least_squares(x.double(), y.double()).tolist()
    path = descend(
        lambda w: slope_of_loss(x, y, w, intercept), -1.0, 1 / curvature_along_slope(x), 1
    )
    assert path[1] == pytest.approx(bottom, abs=1e-5)


def test_two_valleys_walks_end_in_different_local_minima():
    minima = sorted(r.real for r in np.roots([4, 0, -6, 1]) if abs(r.imag) < 1e-12)
    left_min, right_min = minima[0], minima[2]  # the middle root is the hump between them
    left = descend(two_valleys_derivative, -2.0, 0.02, 60)[-1]
    right = descend(two_valleys_derivative, 2.0, 0.02, 60)[-1]
    assert left == pytest.approx(left_min, abs=1e-4)
    assert right == pytest.approx(right_min, abs=1e-4)
    assert two_valleys(right) > two_valleys(left)  # the right walk stops in the shallow valley


def test_two_valleys_derivative_is_the_autograd_derivative():
    w = torch.tensor(0.7, requires_grad=True)
    two_valleys(w).backward()
    assert two_valleys_derivative(0.7) == pytest.approx(w.grad.item(), rel=1e-6)


def test_figures_draw_what_they_are_given(data):
    x, y = data
    fig = plot_tangent_step(x, y, 2.0, -1.0, 0.5)
    dots = fig.axes[0].lines[2]
    assert dots.get_xdata().tolist() == pytest.approx(
        [-1.0, -1.0 - 0.5 * slope_of_loss(x, y, -1.0, 2.0)]
    )
    fig = plot_step_sizes(x, y, 2.0, -1.0, [0.1, 0.5, 1.0, 2.0], steps=4)
    assert len(fig.axes) == 4 and all(len(ax.lines[1].get_xdata()) == 5 for ax in fig.axes)
    fig = plot_two_valleys([[-2.0, -1.5], [2.0, 1.5]])
    assert len(fig.axes[0].get_legend().get_texts()) == 2
