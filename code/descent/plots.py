"""Figures of the book.

Every word a figure draws goes through :func:`descent.i18n._`, and every number through
:mod:`descent.numbers`, so each edition draws its figures in its own language: the tick labels
of a linear axis too, through the linear scale registered here (matplotlib's own, with a
formatter that writes the edition's numbers: "0,5" in Spanish).
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import scale, ticker
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure

from descent.i18n import _
from descent.loss import mse_surface
from descent.numbers import MINUS, localized


class EditionTicks(ticker.ScalarFormatter):
    """matplotlib's tick labels, written as the edition writes numbers."""

    def __call__(self, x, pos=None) -> str:
        text = super().__call__(x, pos).replace(MINUS, "-")
        if text.lstrip("-").isdigit():
            text = format(int(text), ",")  # grouped as the edition groups: 10,000 or 10 000
        return localized(text)


class EditionLinearScale(scale.LinearScale):
    """The linear scale, with the edition's tick labels; every new axis starts with it."""

    def __init__(self):  # no *axis*: matplotlib 3.11's form for a registered scale
        super().__init__(None)

    def set_default_locators_and_formatters(self, axis) -> None:
        super().set_default_locators_and_formatters(axis)
        axis.set_major_formatter(EditionTicks())


scale.register_scale(EditionLinearScale)  # replaces "linear": public API, no patching

DATA_COLOR = "tab:orange"
MODEL_COLOR = "tab:blue"
OPTIMUM_COLOR = "tab:red"


def new_axes(title: str, xlabel: str, ylabel: str, size=(6.0, 4.0)) -> tuple[Figure, Axes]:
    """A figure with one titled, labelled set of axes."""
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig, ax


def new_axes_row(
    titles: Sequence[str], xlabel: str, ylabel: str, size=(10.0, 3.5)
) -> tuple[Figure, list[Axes]]:
    """A figure with one titled, labelled set of axes per title, side by side."""
    fig, axes = plt.subplots(1, len(titles), figsize=size, layout="constrained")
    for ax, title in zip(axes, titles, strict=True):
        ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig, list(axes)


def plot_data(x: torch.Tensor, y: torch.Tensor) -> Figure:
    """Scatter plot of the points ``(x[:, 0], y)``."""
    title = _("{n} noisy points near a line").format(n=len(x))
    fig, ax = new_axes(title, _("input x"), _("target y"))
    ax.scatter(x[:, 0], y, s=14, color=DATA_COLOR)
    return fig


def plot_line_fit(x: torch.Tensor, y: torch.Tensor, params: torch.Tensor) -> Figure:
    """The points and the line ``x @ params`` through them."""
    fig, ax = new_axes(_("A line against the data"), _("input x"), _("target y"))
    ax.scatter(x[:, 0], y, s=14, color=DATA_COLOR, label=_("data"))
    ends = torch.tensor([[-1.0, 1.0], [1.0, 1.0]])  # the line across the whole input range
    ax.plot(ends[:, 0], ends @ params.detach(), color=MODEL_COLOR, label=_("line"))
    ax.legend()
    return fig


def loss_view(
    points: torch.Tensor, margin: float, aspect: float = 1.5
) -> tuple[torch.Tensor, torch.Tensor]:
    """The lowest and highest (slope, intercept) of a view that holds every row of ``points``
    with ``margin`` to spare, its shorter side widened until width / height = ``aspect``.

    Drawn with equal scales on both axes, such a view fills axes of about that shape.
    """
    low, high = points.min(dim=0).values - margin, points.max(dim=0).values + margin
    centre, size = (low + high) / 2, high - low
    size = torch.maximum(size, torch.stack([size[1] * aspect, size[0] / aspect]))
    return centre - size / 2, centre + size / 2


def draw_loss_contours(
    ax: Axes, x: torch.Tensor, y: torch.Tensor, low: torch.Tensor, high: torch.Tensor
) -> QuadContourSet:
    """Contours of the MSE over the view from ``low`` to ``high``, one unit as long on both axes.

    With equal scales, a step of gradient descent is visibly perpendicular to the contour it
    leaves; stretched axes would hide that.
    """
    slopes = torch.linspace(low[0].item(), high[0].item(), 120)
    intercepts = torch.linspace(low[1].item(), high[1].item(), 120)
    surface = mse_surface(x, y, slopes, intercepts)
    # Log-spaced levels: the loss grows quadratically, so even steps would crowd the rim.
    levels = np.geomspace(surface.min().item() * 1.05, surface.max().item(), 15)
    contours = ax.contour(slopes, intercepts, surface, levels=levels, cmap="viridis")
    ax.set(xlim=(low[0].item(), high[0].item()), ylim=(low[1].item(), high[1].item()))
    ax.set_aspect("equal")
    return contours


def plot_loss_contour(
    x: torch.Tensor,
    y: torch.Tensor,
    optimum: torch.Tensor,
    *,
    path: torch.Tensor | None = None,
) -> Figure:
    """Contours of the MSE over (slope, intercept), the optimum, and optionally a path of steps."""
    fig, ax = new_axes(_("The loss over the two parameters"), _("slope a[0]"), _("intercept a[1]"))
    points = optimum.unsqueeze(0) if path is None else torch.cat([path, optimum.unsqueeze(0)])
    contours = draw_loss_contours(ax, x, y, *loss_view(points, margin=2.0))
    ax.clabel(contours, fontsize=7, fmt="%.2g")
    if path is not None:
        ax.plot(path[:, 0], path[:, 1], ".-", color=MODEL_COLOR, markersize=4,
                label=_("gradient descent"))  # fmt: skip
    ax.plot(*optimum.tolist(), "*", color=OPTIMUM_COLOR, markersize=14,
            label=_("least-squares optimum"))  # fmt: skip
    ax.legend(loc="upper left")
    return fig


def plot_loss_history(losses: torch.Tensor) -> Figure:
    """The loss at each step, on a log scale so that late progress stays visible."""
    fig, ax = new_axes(_("The loss during gradient descent"), _("step"), _("loss (MSE)"))
    ax.plot(losses, color=MODEL_COLOR)
    ax.set_yscale("log")
    return fig
