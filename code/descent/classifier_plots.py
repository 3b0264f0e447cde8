"""Figures of the chapter on a classifier of real data: the loss against the metric."""

from collections.abc import Sequence

import torch
from matplotlib.figure import Figure

from descent.i18n import _
from descent.numbers import formatted
from descent.plots import DATA_COLOR, MODEL_COLOR, new_axes_row


def plot_loss_against_accuracy(
    shifts: torch.Tensor, loss: torch.Tensor, accuracy: torch.Tensor
) -> Figure:
    """The training loss and accuracy, ``(K,)`` each, as the intercept moves by ``shifts`` (K,)
    from its best value: a smooth valley beside a staircase."""
    titles = (_("The loss"), _("The accuracy"))
    fig, (left, right) = new_axes_row(titles, _("change of the intercept"), "")
    left.plot(shifts, loss, color=MODEL_COLOR)
    left.set_ylabel(_("cross-entropy"))
    right.plot(shifts, accuracy, color=DATA_COLOR, drawstyle="steps-mid")
    right.set_ylabel(_("fraction classified right"))
    return fig


def plot_train_test(
    runs: Sequence[tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]],
    decays: Sequence[float],
) -> Figure:
    """For each run, ``(train loss, test loss, train accuracy, test accuracy)`` along gradient
    descent, ``(T,)`` each: losses on the left, accuracies on the right; solid for the training
    set, dashed for the test set, one colour per weight decay."""
    titles = (_("Cross-entropy"), _("Accuracy"))
    fig, (left, right) = new_axes_row(titles, _("step"), "")
    for (train, test, train_acc, test_acc), decay, color in zip(
        runs, decays, (MODEL_COLOR, DATA_COLOR), strict=True
    ):
        steps = torch.arange(1, len(train))  # from step 1: the axis is logarithmic
        shown = formatted(decay, "g")
        if decay:
            names = (_("weight decay {decay}, training"), _("weight decay {decay}, test"))
        else:
            names = (_("no weight decay, training"), _("no weight decay, test"))
        left.plot(steps, train[1:], color=color, label=names[0].format(decay=shown))
        left.plot(steps, test[1:], "--", color=color, label=names[1].format(decay=shown))
        right.plot(steps, train_acc[1:], color=color)
        right.plot(steps, test_acc[1:], "--", color=color)
    for ax in (left, right):
        ax.set_xscale("log")
    left.set_yscale("log")
    left.legend(fontsize=8)
    return fig
