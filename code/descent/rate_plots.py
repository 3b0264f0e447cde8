"""Figures of the chapters on choosing a learning rate without the Hessian, and on how it
changes during training and with the batch size."""

from collections.abc import Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from descent.i18n import _
from descent.numbers import count, formatted
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


def plot_races(scales: Sequence[float], races: Sequence[dict[str, torch.Tensor]]) -> Figure:
    """One panel per start scale, each a race ``{"momentum" | "adam": losses (S, epochs + 1)}``
    (each budget's tuned losses over ``S`` seeds): the mean, and the band from the lowest to
    the highest seed, on a logarithmic axis."""
    names = {"momentum": _("heavy ball"), "adam": _("Adam")}
    titles = [_("start of scale {scale}").format(scale=formatted(s, "g")) for s in scales]
    fig, axes = new_axes_row(titles, _("epochs (each budget tuned on its own)"), _("training loss"))
    for ax, race in zip(axes, races, strict=True):
        for (name, losses), color in zip(race.items(), (MODEL_COLOR, DATA_COLOR), strict=True):
            epochs = torch.arange(losses.shape[1]).numpy()
            ax.plot(epochs, losses.mean(dim=0).numpy(), color=color, label=names[name])
            low, high = losses.min(dim=0).values.numpy(), losses.max(dim=0).values.numpy()
            ax.fill_between(epochs, low, high, color=color, alpha=0.2, linewidth=0)
        ax.set(yscale="log")
        ax.legend(fontsize=8)
    return fig


COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:purple")  # one per schedule


def schedule_names() -> list[str]:
    """The four schedules of the warmup chapter, in the edition's language."""
    return [_("constant"), _("cosine"), _("warmup, then cosine"), _("one-cycle")]


def plot_schedules_and_batches(
    grid: torch.Tensor,
    held: torch.Tensor,
    start: float,
    batch_sizes: Sequence[int],
    best: Sequence[float],
    blow_up: Sequence[float],
    reference: int,
) -> Figure:
    """Left, the held-back loss ``held`` ``(4, rates)`` of each schedule against its peak rate
    on ``grid``, with the loss at the start. Right, against the batch size, the ``best``
    constant rate, the smallest rate that ``blow_up`` (ends above the start), and the linear and
    square-root rules' predictions from the best rate at batch ``reference``."""
    titles = [_("Schedules, by their peak rate"), _("The best rate, by the batch size")]
    xlabel, ylabel = _("peak learning rate"), _("loss on held-back images")
    fig, (left, right) = new_axes_row(titles, xlabel, ylabel)
    for row, name, color in zip(held, schedule_names(), COLORS, strict=True):
        left.plot(grid.numpy(), row.numpy(), "o-", color=color, label=name, markersize=4)
    left.axhline(start, color="0.5", linestyle=":", label=_("at the start"))
    left.set(xscale="log", yscale="log", ylim=(held.min().item() / 1.5, 4 * start))
    left.set_xticks(grid.tolist(), [formatted(rate, ".2g") for rate in grid.tolist()])
    left.minorticks_off()
    left.legend(fontsize=8)
    sizes = torch.tensor(batch_sizes, dtype=torch.float64)
    anchor = best[list(batch_sizes).index(reference)]
    ratio = sizes / reference
    right.plot(sizes, anchor * ratio, "--", color=DATA_COLOR, label=_("linear rule"))
    right.plot(sizes, anchor * ratio.sqrt(), ":", color=MODEL_COLOR, label=_("square-root rule"))
    right.plot(sizes, blow_up, "v", color=OPTIMUM_COLOR, label=_("smallest rate that blows up"))
    right.plot(sizes, best, "o", color="black", label=_("best measured"))
    right.set(xscale="log", yscale="log", xlabel=_("batch size"), ylabel=_("learning rate"))
    right.set_xticks(batch_sizes, [count(size) for size in batch_sizes])
    right.minorticks_off()
    right.legend(fontsize=8)
    return fig
