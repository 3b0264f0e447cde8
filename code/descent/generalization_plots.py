"""Figures of the chapter on generalization: losses on the fitted points against losses on new
ones. Results over many seeds are drawn as their median with a band from the first to the third
quartile, except where the text compares means with a formula."""

from collections.abc import Sequence

import torch
from matplotlib.figure import Figure

from descent.i18n import _
from descent.plots import DATA_COLOR, MODEL_COLOR, OPTIMUM_COLOR, new_axes, new_axes_row
from descent.sgd_plots import median_band


def plot_losses_by_size(
    sizes: Sequence[int], train: torch.Tensor, held: torch.Tensor, noise_variance: float, p: int
) -> Figure:
    """The mean training and held-out MSE of the least-squares line, ``(N,)`` each, against the
    number ``n`` of fitted points, beside their predictions ``σ²(1 ∓ p/n)`` and the noise ``σ²``."""
    fig, ax = new_axes(_("Mean over the seeds"), _("points fitted, n"), _("mean squared error"))
    n = torch.tensor(sizes, dtype=torch.float64)
    ax.plot(n, held, "o", color=DATA_COLOR, label=_("on held-out points"))
    ax.plot(n, noise_variance * (1 + p / n), "--", color=DATA_COLOR, label=r"$\sigma^2 (1 + p/n)$")
    ax.plot(n, train, "o", color=MODEL_COLOR, label=_("on the fitted points"))
    ax.plot(n, noise_variance * (1 - p / n), "--", color=MODEL_COLOR, label=r"$\sigma^2 (1 - p/n)$")
    ax.axhline(noise_variance, color=OPTIMUM_COLOR, linewidth=0.8, label=_("the noise, σ²"))
    ax.set_xscale("log")
    ax.legend()
    return fig


def plot_losses_by_degree(
    degrees: Sequence[int], train: torch.Tensor, held: torch.Tensor
) -> Figure:
    """Training and held-out MSE, ``(S, D)`` each, against the degree of the polynomial."""
    fig, ax = new_axes(
        _("Median and quartiles over {seeds} seeds").format(seeds=len(train)),
        _("degree of the polynomial"),
        _("mean squared error"),
    )
    median_band(ax, degrees, held, DATA_COLOR, _("on held-out points"), marker="o")
    median_band(ax, degrees, train, MODEL_COLOR, _("on the fitted points"), marker="o")
    ax.set_yscale("log")
    ax.legend()
    return fig


def plot_regularization(
    decays: Sequence[float],
    held_by_decay: torch.Tensor,
    train_by_step: torch.Tensor,
    held_by_step: torch.Tensor,
    line_held: float,
) -> Figure:
    """Left: held-out MSE ``(S, W)`` against the weight decay. Right: training and held-out MSE
    ``(S, T)`` along gradient descent. Both beside ``line_held``, the line's median held-out
    MSE, as a dashed line."""
    titles = (_("Weight decay"), _("Early stopping"))
    fig, (left, right) = new_axes_row(titles, "", _("mean squared error"))
    median_band(left, decays, held_by_decay, DATA_COLOR, _("on held-out points"), marker="o")
    left.set(xscale="log", yscale="log", xlabel=_("weight decay λ"))
    steps = torch.arange(1, held_by_step.shape[1])  # from step 1: a log scale has no 0
    median_band(right, steps, held_by_step[:, 1:], DATA_COLOR, _("on held-out points"))
    median_band(right, steps, train_by_step[:, 1:], MODEL_COLOR, _("on the fitted points"))
    right.set(xscale="log", yscale="log", xlabel=_("step of gradient descent"))
    for ax in (left, right):
        ax.axhline(line_held, color=OPTIMUM_COLOR, linestyle="--",
                   label=_("the line, on held-out points"))  # fmt: skip
    right.legend()
    return fig
