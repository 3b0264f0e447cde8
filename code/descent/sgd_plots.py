"""Figures of the chapters on stochastic gradient descent.

Every string drawn goes through :func:`descent.i18n._`, so each edition draws in its language.
Results over many seeds are drawn as their median with a band from the first to the third
quartile.
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from descent.i18n import _
from descent.loss import mse_surface
from descent.numbers import count, formatted
from descent.plots import DATA_COLOR, MODEL_COLOR, OPTIMUM_COLOR, new_axes, new_axes_row
from descent.sgd_study import quartiles

SINGLE_COLOR = "tab:gray"


def plot_minibatch_gradients(
    single: torch.Tensor, minibatch: torch.Tensor, full: torch.Tensor, batch_size: int
) -> Figure:
    """Gradients of single examples and of minibatches, (k, 2) each, around the full gradient."""
    fig, ax = new_axes(
        _("Minibatch gradients scatter around the full gradient"),
        _("gradient along the slope"),
        _("gradient along the intercept"),
        size=(7.5, 5.0),
    )
    ax.scatter(*single.T, s=8, color=SINGLE_COLOR, alpha=0.4, label=_("one example"))
    ax.scatter(*minibatch.T, s=14, color=DATA_COLOR,
               label=_("minibatches of {size}").format(size=batch_size))  # fmt: skip
    ax.plot(*minibatch.mean(dim=0).tolist(), "X", color=MODEL_COLOR, markersize=11,
            label=_("mean of the minibatch gradients"))  # fmt: skip
    ax.plot(*full.tolist(), "*", color=OPTIMUM_COLOR, markersize=16, markerfacecolor="none",
            markeredgewidth=1.5, label=_("full gradient"))  # fmt: skip
    ax.set_aspect("equal")  # equal scales: the cloud's true shape
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    return fig


def plot_paths(
    x: torch.Tensor,
    y: torch.Tensor,
    optimum: torch.Tensor,
    full: torch.Tensor,
    constant: torch.Tensor,
    decayed: torch.Tensor,
) -> Figure:
    """Three paths of the parameters on the contours of the full loss: full batch, then SGD with
    a constant and with a decaying learning rate. The lower row zooms in on the optimum."""
    paths = (full, constant, decayed)
    titles = (
        _("Full batch: {steps} steps"),
        _("Constant rate: {steps} steps"),
        _("Decaying rate: {steps} steps"),
    )
    every = torch.cat(paths)
    wide = (every.min(dim=0).values - 0.3, every.max(dim=0).values + 0.3)
    # The zoom frames the wandering of the constant-rate path over its second half.
    half_width = 1.5 * (constant[len(constant) // 2 :] - optimum).abs().max()
    near = (optimum - half_width, optimum + half_width)
    fig, axes = plt.subplots(2, 3, figsize=(10.0, 6.4), layout="constrained")
    for column, (title, path) in enumerate(zip(titles, paths, strict=True)):
        for ax, (low, high) in zip(axes[:, column], (wide, near), strict=True):
            _draw_contours(ax, x, y, low, high)
            ax.plot(path[:, 0], path[:, 1], ".-", color=MODEL_COLOR, markersize=3, linewidth=0.8)
            ax.plot(*optimum.tolist(), "*", color=OPTIMUM_COLOR, markersize=12)
            (left, bottom), (right, top) = low.tolist(), high.tolist()
            ax.set(xlim=(left, right), ylim=(bottom, top), xlabel=_("slope a[0]"),
                   ylabel=_("intercept a[1]"))  # fmt: skip
            ax.set_aspect("equal")  # equal scales: a step leaves its contour at a right angle
        axes[0, column].set_title(title.format(steps=len(path) - 1))
        axes[1, column].set_title(_("Near the optimum"))
    return fig


def _draw_contours(ax: Axes, x: torch.Tensor, y: torch.Tensor, low, high) -> None:
    """Contours of the MSE over the box from ``low`` to ``high`` (slope, intercept)."""
    slopes = torch.linspace(low[0].item(), high[0].item(), 120)
    intercepts = torch.linspace(low[1].item(), high[1].item(), 100)
    surface = mse_surface(x, y, slopes, intercepts)
    levels = np.geomspace(surface.min().item() * 1.0001, surface.max().item(), 12)
    ax.contour(slopes, intercepts, surface, levels=levels, colors="0.65", linewidths=0.7)


def plot_loss_by_examples(
    full_examples: torch.Tensor,
    full_losses: torch.Tensor,
    sgd_examples: torch.Tensor,
    sgd_losses: torch.Tensor,
    batch_size: int,
    log_examples: bool = False,
) -> Figure:
    """Full-data loss above its minimum against examples seen, ``(S, T)`` losses per method."""
    fig, ax = new_axes(
        _("Median and quartiles over {seeds} seeds").format(seeds=len(full_losses)),
        _("examples seen"),
        _("loss above its minimum"),
    )
    median_band(ax, full_examples, full_losses, MODEL_COLOR, _("full-batch gradient descent"),
                 marker="o")  # fmt: skip
    median_band(ax, sgd_examples, sgd_losses, DATA_COLOR,
                 _("minibatch SGD, batches of {size}").format(size=batch_size))  # fmt: skip
    ax.set_yscale("log")
    if log_examples:
        ax.set_xscale("log")
    ax.legend()
    return fig


def plot_race_by_budget(
    budgets: Sequence[int],
    full: torch.Tensor,
    constant: torch.Tensor,
    decayed: torch.Tensor,
    floor: float,
) -> Figure:
    """Loss above its minimum at the end of each budget of epochs, ``(B, S)`` per method (SGD
    tuned for each budget), and the statistical floor as a dashed line."""
    fig, ax = new_axes(
        _("Median and quartiles over {seeds} seeds").format(seeds=full.shape[1]),
        _("budget, in epochs"),
        _("loss above its minimum"),
    )
    median_band(ax, budgets, full.T, MODEL_COLOR, _("full-batch gradient descent"), marker="o")
    median_band(ax, budgets, constant.T, DATA_COLOR, _("SGD, constant rate tuned for the budget"))
    median_band(ax, budgets, decayed.T, SINGLE_COLOR,
                 _("SGD, decaying rate tuned for the budget"))  # fmt: skip
    ax.axhline(floor, color=OPTIMUM_COLOR, linestyle="--", label=_("statistical floor σ²p/n"))
    ax.set_yscale("log")
    ax.legend()
    return fig


def plot_decay(
    slow: torch.Tensor, fast: torch.Tensor, decayed: torch.Tensor, slow_lr: float, fast_lr: float
) -> Figure:
    """Distance to the optimum at each step, ``(S, T)`` per run: constant rates ``slow_lr`` and
    ``fast_lr``, and a rate decaying from ``fast_lr``."""
    fig, ax = new_axes(
        _("Median and quartiles over {seeds} seeds").format(seeds=len(slow)),
        _("step"),
        _("distance to the optimum"),
    )
    steps = torch.arange(slow.shape[1])
    slow_rate, fast_rate = formatted(slow_lr, ".3f"), formatted(fast_lr, ".3f")
    median_band(ax, steps, slow, SINGLE_COLOR, _("constant rate {lr}").format(lr=slow_rate))
    median_band(ax, steps, fast, DATA_COLOR, _("constant rate {lr}").format(lr=fast_rate))
    median_band(ax, steps, decayed, MODEL_COLOR,
                 _("rate decaying from {lr}").format(lr=fast_rate))  # fmt: skip
    ax.set_yscale("log")
    ax.legend()
    return fig


def plot_batch_sizes(
    batch_sizes: Sequence[int], one_step: torch.Tensor, budget: torch.Tensor, examples: int
) -> Figure:
    """Loss after one step and after ``examples`` examples, ``(S, B)`` each, per batch size."""
    titles = (
        _("After one step"),
        _("After {examples} examples").format(examples=count(examples)),
    )
    fig, axes = new_axes_row(titles, _("batch size"), _("loss above its minimum"))
    for ax, losses in zip(axes, (one_step, budget), strict=True):
        low, median, high = quartiles(losses)
        ax.errorbar(batch_sizes, median, yerr=(median - low, high - median), fmt="o-",
                    color=MODEL_COLOR, capsize=3)  # fmt: skip
        ax.set_xscale("log")
    axes[1].set_yscale("log")  # from the start's loss down to the noise floor
    return fig


def median_band(
    ax: Axes, steps: torch.Tensor, values: torch.Tensor, color: str, label: str, marker=None
) -> None:
    """The median of ``values`` (seeds × steps) as a line, its quartiles as a band."""
    low, median, high = quartiles(values)
    ax.plot(steps, median, color=color, label=label, marker=marker, markersize=4)
    ax.fill_between(steps, low, high, color=color, alpha=0.25, linewidth=0)
