"""Figures of the chapters on choosing a learning rate without the Hessian."""

from collections.abc import Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from descent.i18n import _
from descent.plots import DATA_COLOR, MODEL_COLOR, OPTIMUM_COLOR, new_axes_row


def draw_range_test(
    ax: Axes, rates: torch.Tensor, curves: torch.Tensor, marks: Sequence[tuple[str, float, str]]
) -> None:
    """The smoothed losses ``curves`` ``(K, T)`` against the rates of the sweep, on log axes,
    with a vertical line at each ``(label, rate, color)`` of ``marks``."""
    for curve in curves:
        ax.plot(rates.numpy(), curve.numpy(), color="0.5", linewidth=1)
    for label, rate, color in marks:
        ax.axvline(rate, color=color, linestyle="--", label=label)
    finite = curves[curves.isfinite()]
    ax.set(
        xscale="log", yscale="log", ylim=(finite.min().item() / 2, 3 * curves[:, 0].max().item())
    )
    ax.legend(fontsize=8)


def plot_range_tests(
    network: tuple[torch.Tensor, torch.Tensor, float, float, float],
    line: tuple[torch.Tensor, torch.Tensor, float, float, float, float],
) -> Figure:
    """The range test on the network and on the line, each ``(rates, curves, lowest/10,
    steepest, best)``; the line's also marks the Hessian's limit ``2/L``."""
    titles = [_("The network on the digits"), _("The line")]
    fig, (left, right) = new_axes_row(titles, _("learning rate"), _("smoothed loss"))
    for ax, (rates, curves, tenth, steepest, best, *limit) in ((left, network), (right, line)):
        marks = [(_("lowest ÷ 10"), tenth, MODEL_COLOR), (_("steepest"), steepest, DATA_COLOR),
                 (_("best measured"), best, OPTIMUM_COLOR)]  # fmt: skip
        marks += [(_("limit 2/L"), rate, "black") for rate in limit]
        draw_range_test(ax, rates, curves, marks)
    return fig
