"""Figures of the book.

Every function takes the strings it draws as keyword arguments; when a string is not
given, it is looked up in the edition's language (see :mod:`descent.i18n`).
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from descent.i18n import _
from descent.loss import mse_surface

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


def plot_data(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Scatter plot of the points ``(x[:, 0], y)``."""
    fig, ax = new_axes(
        title or _("One hundred noisy points near a line"),
        xlabel or _("input x"),
        ylabel or _("target y"),
    )
    ax.scatter(x[:, 0], y, s=14, color=DATA_COLOR)
    return fig


def plot_line_fit(
    x: torch.Tensor,
    y: torch.Tensor,
    params: torch.Tensor,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    data_label: str | None = None,
    model_label: str | None = None,
) -> Figure:
    """The points and the line ``x @ params`` through them."""
    fig, ax = new_axes(
        title or _("A line against the data"),
        xlabel or _("input x"),
        ylabel or _("target y"),
    )
    ax.scatter(x[:, 0], y, s=14, color=DATA_COLOR, label=data_label or _("data"))
    ends = torch.tensor([[-1.0, 1.0], [1.0, 1.0]])  # the line across the whole input range
    ax.plot(ends[:, 0], ends @ params.detach(), color=MODEL_COLOR, label=model_label or _("line"))
    ax.legend()
    return fig


def plot_loss_contour(
    x: torch.Tensor,
    y: torch.Tensor,
    optimum: torch.Tensor,
    *,
    path: torch.Tensor | None = None,
    slopes: torch.Tensor | None = None,
    intercepts: torch.Tensor | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    optimum_label: str | None = None,
    path_label: str | None = None,
) -> Figure:
    """Contours of the MSE over (slope, intercept), the optimum, and optionally a path of steps."""
    slopes = torch.linspace(-2.0, 6.0, 161) if slopes is None else slopes
    intercepts = torch.linspace(-1.0, 5.0, 121) if intercepts is None else intercepts
    surface = mse_surface(x, y, slopes, intercepts)
    fig, ax = new_axes(
        title or _("The loss over the two parameters"),
        xlabel or _("slope a[0]"),
        ylabel or _("intercept a[1]"),
    )
    # Log-spaced levels: the loss grows quadratically, so even steps would crowd the rim.
    levels = np.geomspace(surface.min().item() * 1.05, surface.max().item(), 15)
    contours = ax.contour(slopes, intercepts, surface, levels=levels, cmap="viridis")
    ax.clabel(contours, fontsize=7, fmt="%.2g")
    if path is not None:
        ax.plot(path[:, 0], path[:, 1], ".-", color=MODEL_COLOR, markersize=4,
                label=path_label or _("gradient descent"))  # fmt: skip
    ax.plot(*optimum.tolist(), "*", color=OPTIMUM_COLOR, markersize=14,
            label=optimum_label or _("least-squares optimum"))  # fmt: skip
    ax.legend(loc="upper left")
    return fig


def plot_loss_history(
    losses: torch.Tensor,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """The loss at each step, on a log scale so that late progress stays visible."""
    fig, ax = new_axes(
        title or _("The loss during gradient descent"),
        xlabel or _("step"),
        ylabel or _("loss (MSE)"),
    )
    ax.plot(losses, color=MODEL_COLOR)
    ax.set_yscale("log")
    return fig
