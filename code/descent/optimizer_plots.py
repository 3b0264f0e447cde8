"""Figures of the chapters on conditioning and on momentum and Adam.

Paths are drawn over the contours of the loss with equal scales on both axes, so that a step
of gradient descent is visibly perpendicular to the contour it leaves.
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from descent.conditioning import condition_number, gradient_descent_path
from descent.fit import least_squares
from descent.i18n import _
from descent.loss import mse_surface
from descent.numbers import formatted
from descent.plots import MODEL_COLOR, OPTIMUM_COLOR, new_axes, new_axes_row

METHOD_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:pink")


def method_names() -> list[str]:
    """The four methods of the momentum chapter, in the edition's language."""
    return [_("gradient descent"), _("heavy ball"), _("Nesterov"), _("Adam")]


def adam_without_momentum() -> str:
    """The fifth method of "where Adam helps": Adam with β₁ = 0, its division alone."""
    return _("Adam without momentum (β₁ = 0)")


def draw_contours(
    ax: Axes, x: torch.Tensor, y: torch.Tensor, optimum: torch.Tensor, points: torch.Tensor
) -> None:
    """Contours of the MSE over a window around ``points`` and the optimum, on equal scales."""
    corners = torch.cat([points.reshape(-1, 2), optimum[None]])
    low, high = corners.min(dim=0).values, corners.max(dim=0).values
    margin = 0.15 * (high - low).max() + 0.1
    slopes = torch.linspace(low[0] - margin, high[0] + margin, 201)
    intercepts = torch.linspace(low[1] - margin, high[1] + margin, 201)
    excess = mse_surface(x, y, slopes, intercepts) - mse_surface(x, y, *optimum[:, None])
    # Log-spaced levels: the loss grows quadratically, so even levels would crowd the rim.
    top = excess.max().item()
    ax.contour(slopes, intercepts, excess, levels=np.geomspace(top * 1e-4, top, 12),
               cmap="viridis", linewidths=0.8)  # fmt: skip
    ax.plot(*optimum.tolist(), "*", color=OPTIMUM_COLOR, markersize=12, zorder=3)
    ax.set_aspect("equal")  # equal scales: the contours keep their true shape
    ax.set(
        xlim=(slopes[0].item(), slopes[-1].item()),
        ylim=(intercepts[0].item(), intercepts[-1].item()),
    )


def plot_scaled_contours(inputs: Sequence[torch.Tensor], y: torch.Tensor, steps: int) -> Figure:
    """One panel per version ``x`` of the input: its loss bowl and ``steps`` steps of gradient
    descent at the best rate, from ``a = 0``."""
    titles = [_("κ = {kappa:.0f}").format(kappa=condition_number(x)) for x in inputs]
    fig, axes = new_axes_row(titles, _("slope a[0]"), _("intercept a[1]"), size=(10.0, 4.2))
    for ax, x in zip(axes, inputs, strict=True):
        path = gradient_descent_path(x, y, steps)
        draw_contours(ax, x, y, least_squares(x, y), path)
        ax.plot(path[:, 0], path[:, 1], ".-", color=MODEL_COLOR, markersize=5, zorder=4)
    return fig


def plot_optimizer_paths(
    bowls: Sequence[tuple[torch.Tensor, torch.Tensor]], paths: Sequence[Sequence[torch.Tensor]]
) -> Figure:
    """One row per bowl ``(x, y)``, one panel per method: its path over the bowl's contours."""
    windows = [torch.cat([path.reshape(-1, 2) for path in row]) for row in paths]
    spans = [(w.max(dim=0).values - w.min(dim=0).values).tolist() for w in windows]
    heights = [min(4.6, 1.6 + 2.3 * height / width) for width, height in spans]  # as tall as needed
    fig = plt.figure(figsize=(10.0, sum(heights)), layout="constrained")
    for subfig, (x, y), row, window in zip(
        fig.subfigures(len(bowls), 1, height_ratios=heights), bowls, paths, windows, strict=True
    ):
        axes = subfig.subplots(1, len(row))
        kappa = condition_number(x)
        for ax, path, name, color in zip(axes, row, method_names(), METHOD_COLORS[:4], strict=True):
            draw_contours(ax, x, y, least_squares(x, y), window)  # one window for the whole row
            ax.plot(path[:, 0], path[:, 1], ".-", color=color, markersize=3, linewidth=1)
            ax.set(title=_("{method}, κ = {kappa:.0f}").format(method=name, kappa=kappa),
                   xlabel=_("slope a[0]"))  # fmt: skip
        axes[0].set_ylabel(_("intercept a[1]"))  # the row shares one window, so one label
    return fig


def plot_steps_by_tolerance(
    bowls: Sequence[tuple[torch.Tensor, torch.Tensor]],
    tols: torch.Tensor,
    steps: Sequence[torch.Tensor],
    floor: float,
) -> Figure:
    """For each bowl ``(x, y)``, the steps each method needs to get within each tolerance of the
    loss's minimum, ``(M, K)`` per bowl, and the statistical floor as a dashed line."""
    titles = [_("κ = {kappa:.0f}").format(kappa=condition_number(x)) for x, _y in bowls]
    fig, axes = new_axes_row(titles, _("tolerance on the loss"), _("steps needed"))
    for ax, needed in zip(axes, steps, strict=True):
        _steps_needed(ax, tols, needed)
        ax.axvline(floor, color=OPTIMUM_COLOR, linestyle="--", label=_("statistical floor σ²p/n"))
        ax.invert_xaxis()  # more precision to the right
    axes[0].legend(fontsize=8)
    return fig


def plot_steps_by_condition(
    kappas: Sequence[Sequence[float]], steps: Sequence[torch.Tensor]
) -> Figure:
    """Two families of bowls, stretched along an axis and tilted: the steps each method needs,
    ``(M, B)`` per family (the four methods, then Adam without momentum), against the condition
    number of each of the family's ``B`` bowls."""
    titles = [_("stretched along an axis"), _("tilted")]
    fig, axes = new_axes_row(titles, _("condition number κ"), _("steps needed"))
    for ax, family, needed in zip(axes, kappas, steps, strict=True):
        _steps_needed(ax, torch.tensor(family), needed, marker="o")
    axes[0].legend(fontsize=8)
    return fig


def _steps_needed(ax: Axes, along: torch.Tensor, steps: torch.Tensor, marker=None) -> None:
    """Each method's steps (a row of ``steps``) against ``along``, both on log scales; where a
    method never got there (infinite steps) it has no point."""
    names = [*method_names(), adam_without_momentum()][: len(steps)]
    for row, name, color in zip(steps, names, METHOD_COLORS[: len(steps)], strict=True):
        got_there = row.isfinite()
        ax.plot(along[got_there], row[got_there], color=color, label=name, marker=marker,
                markersize=4)  # fmt: skip
    ax.set(xscale="log", yscale="log")


def plot_convergence(
    runs: Sequence[torch.Tensor], predicted: Sequence[float], lr_one_over_l: float
) -> Figure:
    """The loss above its minimum along gradient descent at ``η = 1/L`` and at the local best
    rate, Armijo's backtracking and Newton's method, ``(T,)`` each; dashed, for the first two,
    the factor per step the curvature at the optimum predicts, through the point where the
    loss first falls below 10⁻⁸."""
    fig, ax = new_axes(_("On the logistic loss"), _("step"), _("loss above its minimum"))
    names = [
        _("gradient descent, η = 1/L = {lr}").format(lr=formatted(lr_one_over_l, ".1f")),
        _("gradient descent, local best rate"),
        _("Armijo's backtracking"),
        _("Newton's method"),
    ]
    for run, name, color in zip(runs, names, METHOD_COLORS[:4], strict=True):
        ax.plot(run, color=color, label=name)
    for run, factor, color in zip(runs, predicted, METHOD_COLORS, strict=False):
        anchor = int((run < 1e-8).nonzero()[0])
        steps = torch.arange(len(run), dtype=torch.float64)
        ax.plot(steps, run[anchor] * factor ** (steps - anchor), "--", color=color, linewidth=0.8)
    ax.set(yscale="log", ylim=(1e-13, None))
    ax.legend(fontsize=8)
    return fig


def plot_separable(separable: torch.Tensor, overlapping: torch.Tensor, limit: float) -> Figure:
    """The loss along gradient descent on separable classes, whose infimum is 0, beside the
    loss above its minimum on overlapping ones, ``(T + 1,)`` each, on log-log axes; dashed,
    ``limit / t``, the curve that the separable loss approaches."""
    fig, ax = new_axes(_("Without a minimum"), _("step"), _("loss above its infimum"))
    steps = torch.arange(1, len(separable), dtype=torch.float64)
    ax.plot(steps, separable[1:], color=METHOD_COLORS[0], label=_("separable classes"))
    ax.plot(steps, limit / steps, "--", color=METHOD_COLORS[0], linewidth=0.8,
            label=_("limit") + r", $1/(\eta\gamma^2 t)$")  # fmt: skip
    ax.plot(steps, overlapping[1:], color=METHOD_COLORS[1], label=_("overlapping classes"))
    ax.set(xscale="log", yscale="log", ylim=(1e-13, None))
    ax.legend(fontsize=8)
    return fig


def plot_noisy_sgd(
    steps: torch.Tensor,
    runs: Sequence[torch.Tensor],
    predictions: Sequence[torch.Tensor],
    schedules: Sequence[tuple[str, float]],
) -> Figure:
    """The mean loss above its minimum along SGD, ``(K,)`` each at ``steps`` (K,), on log-log
    axes, each with its prediction dashed. ``schedules`` names each run: ``("constant", η)`` or
    ``("decaying", c·μ)`` for the rates ``c/(t + t₀)``."""
    fig, ax = new_axes(_("SGD on the logistic loss"), _("step"), _("mean loss above its minimum"))
    for run, prediction, (kind, value), color in zip(
        runs, predictions, schedules, METHOD_COLORS, strict=False
    ):
        shown = formatted(value, "g")
        if kind == "constant":
            label = _("constant rate η = {lr}").format(lr=shown)
        else:
            label = _("decaying rate c/(t + t₀), c = {c}/μ").format(c=shown)
        ax.plot(steps[1:], run[1:], color=color, label=label)
        ax.plot(steps[1:], prediction[1:], "--", color=color, linewidth=0.8)
    ax.set(xscale="log", yscale="log")
    ax.legend(fontsize=8)
    return fig
