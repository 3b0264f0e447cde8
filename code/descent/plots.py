"""Figures of the book.

Every function takes the strings it draws as keyword arguments; when a string is not
given, it is looked up in the edition's language (see :mod:`descent.i18n`).
"""

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from descent.i18n import _

DATA_COLOR = "tab:orange"
MODEL_COLOR = "tab:blue"


def new_axes(title: str, xlabel: str, ylabel: str, size=(6.0, 4.0)) -> tuple[Figure, Axes]:
    """A figure with one titled, labelled set of axes."""
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig, ax


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
