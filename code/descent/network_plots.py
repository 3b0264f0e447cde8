"""Figures of the chapter on backpropagation: the digits, and the network's computational graph."""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from descent.i18n import _
from descent.numbers import formatted
from descent.plots import DATA_COLOR, MODEL_COLOR

# The graph's nodes, left to right: (label, x); the parameters sit below the node they feed.
NODES = [
    (r"$x$", 0.0),
    (r"$a = x W_1 + b_1$", 1.6),
    (r"$h = \tanh(a)$", 3.2),
    (r"$z = h W_2 + b_2$", 4.8),
    (r"$\mathcal{L}(z, y)$", 6.4),
]
GRADIENTS = [
    r"$\partial\mathcal{L}/\partial a$",
    r"$\partial\mathcal{L}/\partial h$",
    r"$\partial\mathcal{L}/\partial z$",
]  # fmt: skip


def plot_digits(samples: Sequence[tuple[torch.Tensor, int]]) -> Figure:
    """Each image ``(8, 8)`` in grey, titled with its digit."""
    fig, axes = plt.subplots(1, len(samples), figsize=(1.1 * len(samples), 1.6))
    for ax, (image, digit) in zip(axes, samples, strict=True):
        ax.imshow(image.numpy(), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(str(digit))
        ax.set_axis_off()
    fig.suptitle(_("Training images and their digits"))
    return fig


def plot_graph() -> Figure:
    """The computational graph of the network: the forward pass left to right along solid
    arrows, the backward pass right to left along dashed ones, each carrying the gradient of the
    loss with respect to the node it reaches."""
    fig, ax = plt.subplots(figsize=(9.0, 2.6), layout="constrained")
    xs = [x for _label, x in NODES]
    forward_arrow = {"arrowstyle": "->", "color": MODEL_COLOR}
    back = {"arrowstyle": "->", "color": DATA_COLOR, "linestyle": "--"}
    for x, next_x in zip(xs, xs[1:], strict=False):
        ax.annotate("", xy=(next_x - 0.55, 0.1), xytext=(x + 0.55, 0.1), arrowprops=forward_arrow)
    for x, next_x, gradient in zip(xs[1:-1], xs[2:], GRADIENTS, strict=True):
        ax.annotate("", xy=(x + 0.55, -0.25), xytext=(next_x - 0.55, -0.25), arrowprops=back)
        ax.text((x + next_x) / 2, -0.45, gradient, ha="center", va="top", color=DATA_COLOR)
    for label, x in NODES:
        ax.text(x, 0, label, ha="center", va="center", fontsize=10,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.4"})  # fmt: skip
    for label, x in ((r"$W_1, b_1$", 1.6), (r"$W_2, b_2$", 4.8), (r"$y$", 6.4)):
        ax.text(x, 0.75, label, ha="center", va="center", fontsize=9)
        ax.annotate("", xy=(x, 0.3), xytext=(x, 0.62), arrowprops={"arrowstyle": "->"})
    ax.text(-0.4, 0.45, _("forward"), color=MODEL_COLOR, fontsize=9)
    ax.text(-0.4, -0.7, _("backward"), color=DATA_COLOR, fontsize=9)
    ax.set(xlim=(-0.6, 7.2), ylim=(-1.0, 1.0))
    ax.set_axis_off()
    return fig


def plot_plateaus(
    scales: Sequence[float], losses: torch.Tensor, escapes: torch.Tensor, per_decade: float
) -> Figure:
    """Left, the minibatch loss ``losses[i]`` of a start of size ``scales[i]``, step by step;
    right, the step at which each seed ``escapes[i, j]`` leaves the plateau, against the size of
    its start, with the predicted line: ``per_decade`` more steps for each tenfold smaller start,
    drawn through the mean escape of the smallest start."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.4), layout="constrained")
    for scale, curve, shade in zip(
        scales, losses, torch.linspace(0.2, 1, len(scales)), strict=True
    ):
        left.plot(
            curve.numpy(), color=plt.cm.viridis(1 - shade.item()), label=formatted(scale, "g")
        )
    left.set(xlabel=_("step"), ylabel=_("minibatch loss"), title=_("From starts of each size"))
    left.legend(title=_("size of the start"), fontsize=8)
    decades = -torch.tensor(scales).log10()
    for column in escapes.T:
        right.plot(decades.numpy(), column.numpy(), "o", color=DATA_COLOR, alpha=0.5)
    anchor = escapes[-1].double().mean() - per_decade * decades[-1]
    right.plot(decades.numpy(), (anchor + per_decade * decades).numpy(), color=MODEL_COLOR,
               label=_("predicted slope"))  # fmt: skip
    right.set(xlabel=_("decades below 1 of the start's size"), ylabel=_("steps on the plateau"),
              title=_("Each tenfold smaller start adds steps"))  # fmt: skip
    right.legend()
    return fig
