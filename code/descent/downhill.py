"""Gradient descent in one dimension: the loss as a function of the slope alone."""

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from descent.i18n import _
from descent.numbers import formatted
from descent.plots import DATA_COLOR, MODEL_COLOR, OPTIMUM_COLOR


def loss_along_slope(
    x: torch.Tensor, y: torch.Tensor, slopes: torch.Tensor, intercept: float
) -> torch.Tensor:
    """The MSE of the line ``(w, intercept)`` for every slope ``w`` in ``slopes``."""
    y_hat = slopes.unsqueeze(1) * x[:, 0] + intercept  # one row of predictions per slope
    return ((y_hat - y) ** 2).mean(dim=1)


def slope_of_loss(x: torch.Tensor, y: torch.Tensor, w: float, intercept: float) -> float:
    """The derivative of the loss along the slope, at ``w``: the slope of its tangent there."""
    errors = w * x[:, 0] + intercept - y
    return (2 / len(x) * (errors * x[:, 0]).sum()).item()


def curvature_along_slope(x: torch.Tensor) -> float:
    """How fast the derivative grows with ``w``: constant, because the loss is a parabola."""
    return (2 / len(x) * (x[:, 0] ** 2).sum()).item()


def descend(
    derivative: Callable[[float], float], start: float, lr: float, steps: int
) -> list[float]:
    """Where ``steps`` steps of gradient descent from ``start`` go: each moves by ``-lr`` times the
    derivative at the current point. The first entry is the start."""
    path = [start]
    for _step in range(steps):
        w = path[-1]
        path.append(w - lr * derivative(w))  # the step: against the slope
    return path


def two_valleys(w):
    """A loss with two valleys, a deep one on the left and a shallow one on the right."""
    return w**4 - 3 * w**2 + w


def two_valleys_derivative(w: float) -> float:
    """The derivative of :func:`two_valleys`."""
    return 4 * w**3 - 6 * w + 1


def plot_tangent_step(
    x: torch.Tensor, y: torch.Tensor, intercept: float, start: float, lr: float
) -> Figure:
    """The loss along the slope, its tangent at ``start``, and where one step with ``lr`` lands."""
    derivative = slope_of_loss(x, y, start, intercept)
    after = start - lr * derivative
    slopes = torch.linspace(min(start, after) - 1.5, max(start, after) + 2.5, 200)
    at = loss_along_slope(x, y, torch.tensor([start, after]), intercept)
    fig, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")
    ax.plot(slopes, loss_along_slope(x, y, slopes, intercept), color=MODEL_COLOR,
            label=_("loss, intercept fixed"))  # fmt: skip
    near = torch.linspace(start - 1.0, start + 1.0, 2)
    ax.plot(near, at[0] + derivative * (near - start), "--", color=DATA_COLOR,
            label=_("tangent at the start"))  # fmt: skip
    ax.plot([start, after], at.tolist(), "o", color=OPTIMUM_COLOR, label=_("start, after one step"))
    ax.annotate("", xy=(after, at[1]), xytext=(start, at[0]),
                arrowprops={"arrowstyle": "->", "color": OPTIMUM_COLOR})  # fmt: skip
    ax.set(title=_("One step downhill"), xlabel=_("slope a[0]"), ylabel=_("loss (MSE)"))
    ax.legend()
    return fig


def plot_step_sizes(
    x: torch.Tensor,
    y: torch.Tensor,
    intercept: float,
    start: float,
    lrs: Sequence[float],
    steps: int,
) -> Figure:
    """One panel per learning rate: the path of ``steps`` steps on the loss along the slope.

    Each title gives the factor ``1 - lr·c`` by which a step multiplies the distance to the bottom.
    """
    curvature = curvature_along_slope(x)
    fig, axes = plt.subplots(2, 2, figsize=(9.0, 6.0), layout="constrained")
    for ax, lr in zip(axes.flat, lrs, strict=True):
        path = torch.tensor(descend(lambda w: slope_of_loss(x, y, w, intercept), start, lr, steps))
        reach = (path - path[0]).abs().max().item() + 0.5
        slopes = torch.linspace(path[0] - reach, path[0] + reach, 200)
        ax.plot(slopes, loss_along_slope(x, y, slopes, intercept), color=MODEL_COLOR)
        ax.plot(path, loss_along_slope(x, y, path, intercept), ".-", color=OPTIMUM_COLOR)
        factor = formatted(1 - lr * curvature, ".2f")
        ax.set(title=f"η = {formatted(lr, '.2f')},  1 − ηc = {factor}")
    for ax in axes[1]:
        ax.set_xlabel(_("slope a[0]"))
    for ax in axes[:, 0]:
        ax.set_ylabel(_("loss (MSE)"))
    return fig


def plot_two_valleys(paths: Sequence[Sequence[float]]) -> Figure:
    """The loss :func:`two_valleys` and one path of gradient descent from each start."""
    ws = torch.linspace(-2.1, 2.1, 300)
    fig, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")
    ax.plot(ws, two_valleys(ws), color=MODEL_COLOR)
    for path, color in zip(paths, (OPTIMUM_COLOR, DATA_COLOR), strict=False):
        path = torch.tensor(path)
        start = formatted(path[0].item(), "g")
        ax.plot(path, two_valleys(path), ".-", color=color,
                label=_("start at w = {start}").format(start=start))  # fmt: skip
    ax.set(title=_("Two valleys: where the walk ends depends on the start"),
           xlabel=_("parameter w"), ylabel=_("loss"))  # fmt: skip
    ax.legend()
    return fig
