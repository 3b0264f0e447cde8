"""Three classes of points, a linear model that separates them, trained with cross-entropy."""

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from descent.i18n import _
from descent.loss import cross_entropy, mse
from descent.numbers import count
from descent.plots import DATA_COLOR, MODEL_COLOR, new_axes, new_axes_row

CENTERS = ((-1.5, -1.0), (1.5, -1.0), (0.0, 1.5))  # the middle of each class's cloud of points
CLASS_COLORS = ("tab:blue", "tab:orange", "tab:green")
CLASS_MARKERS = ("o", "s", "^")  # a shape per class, for readers who do not tell the colours apart


def make_class_data(
    n: int = 150, spread: float = 0.9, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``(x, labels)``: ``n`` points in the plane, in turn around each of ``CENTERS``.

    ``x`` has shape ``(n, 3)``: two coordinates and a column of ones for the bias.
    ``labels`` holds the class of each point: 0, 1 or 2.
    """
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % len(CENTERS)
    x = torch.ones(n, 3)
    x[:, :2] = torch.tensor(CENTERS)[labels] + spread * torch.randn(n, 2, generator=generator)
    return x, labels


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Turn each row of scores into probabilities: positive, and summing to 1."""
    exps = (logits - logits.max(dim=1, keepdim=True).values).exp()  # the shift: no overflow
    return exps / exps.sum(dim=1, keepdim=True)


def cross_entropy_grad(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The gradient of ``cross_entropy`` with respect to the logits: softmax minus one-hot, / n."""
    one_hot = F.one_hot(labels, logits.shape[1]).float()
    return (softmax(logits) - one_hot) / len(labels)


def squared_error(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The regression loss on a classifier: the MSE between its probabilities and one-hot labels."""
    return mse(softmax(logits), F.one_hot(labels, logits.shape[1]).float())


@dataclass(frozen=True)
class ClassifierFit:
    """The record of a run: the final ``weights`` (3, classes) and the loss before each step."""

    weights: torch.Tensor
    losses: torch.Tensor


Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def fit_classifier(
    x: torch.Tensor,
    labels: torch.Tensor,
    lr: float,
    steps: int,
    loss_fn: Loss = cross_entropy,
    start: torch.Tensor | None = None,
) -> ClassifierFit:
    """Gradient descent on ``loss_fn`` of the logits ``x @ weights``, from ``start`` or zeros."""
    classes = int(labels.max()) + 1
    weights = torch.zeros(x.shape[1], classes) if start is None else start.clone()
    weights.requires_grad_()
    losses = []
    for _step in range(steps):
        loss = loss_fn(x @ weights, labels)
        loss.backward()
        with torch.no_grad():
            weights -= lr * weights.grad
            weights.grad.zero_()
        losses.append(loss.item())
    return ClassifierFit(weights.detach(), torch.tensor(losses))


def accuracy(weights: torch.Tensor, x: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of points whose largest logit is the one of their class."""
    return ((x @ weights).argmax(dim=1) == labels).float().mean().item()


def accuracies_after_training(
    x: torch.Tensor,
    labels: torch.Tensor,
    start: torch.Tensor,
    lrs: list[float],
    steps: int,
    loss_fn: Loss,
) -> list[float]:
    """The accuracy that ``steps`` steps of ``loss_fn`` reach from ``start``, at each rate."""
    fits = [fit_classifier(x, labels, lr, steps, loss_fn, start) for lr in lrs]
    return [accuracy(fit.weights, x, labels) for fit in fits]


@dataclass(frozen=True)
class PointCosts:
    """Each point's cost under both losses, and how hard each pushes its true-class logit.

    The tensors hold one value per point. A push is the derivative of the point's cost with
    respect to the logit of its true class: the more negative, the harder a step raises it.
    """

    classes: int  # how many classes the model chooses from
    probability: torch.Tensor  # the probability the model gives to the point's true class
    cross_entropy: torch.Tensor
    squared_error: torch.Tensor
    cross_entropy_push: torch.Tensor
    squared_error_push: torch.Tensor


def point_costs(logits: torch.Tensor, labels: torch.Tensor) -> PointCosts:
    """Both losses of every point, and their derivatives with respect to its true-class logit.

    A point's cost depends only on its own row of logits, so the gradient of the sum of the
    costs holds, in each row, the gradient of that point's cost alone. Autograd computes it.
    """
    logits = logits.detach().requires_grad_()
    rows = torch.arange(len(labels))
    ce = -torch.log_softmax(logits, dim=1)[rows, labels]
    squared = ((softmax(logits) - F.one_hot(labels, logits.shape[1])) ** 2).mean(dim=1)
    (ce_grad,) = torch.autograd.grad(ce.sum(), logits)
    (squared_grad,) = torch.autograd.grad(squared.sum(), logits)
    return PointCosts(
        classes=logits.shape[1],
        probability=softmax(logits.detach())[rows, labels],
        cross_entropy=ce.detach(),
        squared_error=squared.detach(),
        cross_entropy_push=ce_grad[rows, labels],
        squared_error_push=squared_grad[rows, labels],
    )


def most_confident_mistake(costs: PointCosts) -> int:
    """The index of the point whose true class gets the lowest probability."""
    return int(costs.probability.argmin())


def plot_classes(x: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> Figure:
    """The points of each class, and the region where the model predicts each class."""
    classes = labels.unique().tolist()  # the classes the data hold, not the ones we expect
    title = _("{count} classes and the model's regions").format(count=count(len(classes)))
    fig, ax = new_axes(title, "x₁", "x₂", size=(6, 5))
    low, high = x[:, :2].min().item() - 0.5, x[:, :2].max().item() + 0.5
    grid = torch.linspace(low, high, 301)  # a square around every point
    x1, x2 = torch.meshgrid(grid, grid, indexing="xy")
    plane = torch.stack([x1, x2, torch.ones_like(x1)], dim=-1)  # every place of the plane
    predicted = (plane @ weights).argmax(dim=-1)
    columns = weights.shape[1]  # one band per class the model scores
    levels = [k - 0.5 for k in range(columns + 1)]
    ax.contourf(x1, x2, predicted, levels=levels, colors=CLASS_COLORS[:columns], alpha=0.15)
    for k in classes:
        mine = labels == k
        ax.scatter(x[mine, 0], x[mine, 1], s=16, color=CLASS_COLORS[k], marker=CLASS_MARKERS[k],
                   label=_("class {number}").format(number=k))  # fmt: skip
    ax.set_aspect("equal")  # the plane drawn to scale: a region's border keeps its angle
    ax.legend(loc="upper left")
    return fig


def plot_costs_and_pushes(costs: PointCosts) -> Figure:
    """Each point's cost (left) and the push on its true-class logit (right), under both losses.

    The right panel also draws the largest push the squared error can give, ``4/K p (1 - p)²``.
    """
    fig, (left, right) = new_axes_row(
        [_("The cost of each point"), _("The push on the true class's logit")],
        _("probability given to the true class"),
        "",
    )
    left.set_ylabel(_("loss"))
    right.set_ylabel(_("derivative"))
    p = costs.probability
    for ax, ce, squared in (
        (left, costs.cross_entropy, costs.squared_error),
        (right, costs.cross_entropy_push, costs.squared_error_push),
    ):
        ax.scatter(p, ce, s=12, color=MODEL_COLOR, label=_("cross-entropy"))
        ax.scatter(p, squared, s=12, color=DATA_COLOR, marker="s", label=_("squared error"))
        ax.axhline(0, color="gray", linewidth=0.5)
    grid = torch.linspace(0, 1, 201)
    right.plot(grid, -4 / costs.classes * grid * (1 - grid) ** 2, "--", color=DATA_COLOR,
               label=_("largest possible push of the squared error"))  # fmt: skip
    left.legend(loc="upper right")
    right.legend(loc="lower right")
    return fig
