"""Two classes of points, a linear model that separates them, trained with cross-entropy."""

from dataclasses import dataclass

import torch
from matplotlib.figure import Figure

from descent.i18n import _
from descent.loss import cross_entropy
from descent.plots import DATA_COLOR, MODEL_COLOR, new_axes

CENTERS = ((-1.0, -1.0), (1.0, 1.0))  # the middle of each class's cloud of points


def make_two_class_data(
    n: int = 100, spread: float = 0.8, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``(x, labels)``: ``n`` points in the plane, half around each of ``CENTERS``.

    ``x`` has shape ``(n, 3)``: two coordinates and a column of ones for the bias.
    ``labels`` holds the class of each point, 0 or 1.
    """
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    centers = torch.tensor(CENTERS)[labels]
    x = torch.ones(n, 3)
    x[:, :2] = centers + spread * torch.randn(n, 2, generator=generator)
    return x, labels


@dataclass(frozen=True)
class ClassifierFit:
    """The record of a run: the final ``weights`` (3, 2) and the loss before each step."""

    weights: torch.Tensor
    losses: torch.Tensor


def fit_classifier(x: torch.Tensor, labels: torch.Tensor, lr: float, steps: int) -> ClassifierFit:
    """Gradient descent on the cross-entropy of the logits ``x @ weights``, from all zeros."""
    weights = torch.zeros(x.shape[1], 2, requires_grad=True)
    losses = []
    for _step in range(steps):
        loss = cross_entropy(x @ weights, labels)
        loss.backward()
        with torch.no_grad():
            weights -= lr * weights.grad
            weights.grad.zero_()
        losses.append(loss.item())
    return ClassifierFit(weights.detach(), torch.tensor(losses))


def accuracy(weights: torch.Tensor, x: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of points whose largest logit is the one of their class."""
    return ((x @ weights).argmax(dim=1) == labels).float().mean().item()


def losses_by_confidence(p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Cross-entropy ``-log p`` and squared error ``(1 - p)²`` of one answer.

    ``p`` is the probability the model gives to the true class: near 1 the answer is
    confidently right, near 0 it is confidently wrong.
    """
    return -torch.log(p), (1 - p) ** 2


@dataclass(frozen=True)
class PointCost:
    """One point's two costs, and their gradients with respect to its logit ``z``."""

    index: int  # which point of the data
    label: int  # its class, 0 or 1 (flipped when no point was wrong)
    flipped: bool  # True when the label was flipped to make a confident mistake
    probability: float  # the probability the model gives to the class ``label``
    cross_entropy: float
    squared_error: float
    cross_entropy_grad: float  # d(cross-entropy)/dz
    squared_error_grad: float  # d(squared error)/dz


def most_confident_mistake(
    weights: torch.Tensor, x: torch.Tensor, labels: torch.Tensor
) -> PointCost:
    """Both costs of the point the model is most confidently wrong about, and their gradients.

    With two classes, softmax depends only on ``z = z₁ - z₀``, the logit of class 1:
    ``p = sigmoid(z)``. When every point is classified correctly, the most confidently right
    one is taken and its label flipped, which makes it a confident mistake.
    """
    logits = x @ weights
    z_all = logits[:, 1] - logits[:, 0]
    p_true = torch.where(labels == 1, torch.sigmoid(z_all), torch.sigmoid(-z_all))
    index = int(p_true.argmin())
    label = int(labels[index])
    flipped = p_true[index].item() >= 0.5  # no mistake at all: make one
    if flipped:
        index = int(p_true.argmax())
        label = 1 - int(labels[index])
    z = z_all[index].detach().clone().requires_grad_()
    p = torch.sigmoid(z)  # the probability of class 1
    # The book's cross_entropy, on the logits (0, z): softmax gives them the same probabilities.
    ce = cross_entropy(torch.stack([torch.zeros(()), z]).unsqueeze(0), torch.tensor([label]))
    squared = (p - label) ** 2
    (ce_grad,) = torch.autograd.grad(ce, z)
    (squared_grad,) = torch.autograd.grad(squared, z)
    return PointCost(
        index=index,
        label=label,
        flipped=flipped,
        probability=(p if label == 1 else 1 - p).item(),
        cross_entropy=ce.item(),
        squared_error=squared.item(),
        cross_entropy_grad=ce_grad.item(),
        squared_error_grad=squared_grad.item(),
    )


def plot_losses_by_confidence(
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    ce_label: str | None = None,
    mse_label: str | None = None,
) -> Figure:
    """Both losses of one answer as the probability of the true class goes from 0 to 1."""
    p = torch.linspace(0.005, 1, 400)
    ce, squared = losses_by_confidence(p)
    fig, ax = new_axes(
        title or _("How much a wrong answer costs"),
        xlabel or _("probability given to the true class"),
        ylabel or _("loss"),
    )
    ax.plot(p, ce, color=MODEL_COLOR, label=ce_label or _("cross-entropy"))
    ax.plot(p, squared, color=DATA_COLOR, label=mse_label or _("squared error"))
    ax.legend()
    return fig
