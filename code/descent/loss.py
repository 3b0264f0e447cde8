"""Loss functions: how far a model's predictions are from the targets."""

import torch


def mse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error: the average of the squared differences ``y_hat - y``."""
    return ((y_hat - y) ** 2).mean()


def mse_surface(
    x: torch.Tensor, y: torch.Tensor, slopes: torch.Tensor, intercepts: torch.Tensor
) -> torch.Tensor:
    """The MSE of the line ``(slope, intercept)`` for every pair of ``slopes × intercepts``.

    Returns a tensor of shape ``(len(intercepts), len(slopes))``, the layout ``contour`` expects.
    """
    grid = torch.stack(torch.meshgrid(slopes, intercepts, indexing="xy"), dim=-1)  # (I, S, 2)
    y_hat = grid @ x.T  # (I, S, n): every line's predictions at once
    return ((y_hat - y) ** 2).mean(dim=-1)


def mae(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean absolute error: the average of the distances ``|y_hat - y|``."""
    return (y_hat - y).abs().mean()


def grid_minimum(
    x: torch.Tensor, y: torch.Tensor, slopes: torch.Tensor, intercepts: torch.Tensor
) -> torch.Tensor:
    """The ``(slope, intercept)`` of the grid whose line has the smallest MSE."""
    surface = mse_surface(x, y, slopes, intercepts)
    row, col = divmod(surface.argmin().item(), len(slopes))  # rows are intercepts
    return torch.stack([slopes[col], intercepts[row]])


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy: the average of ``-log p``, where ``p`` is the probability of the true class.

    ``logits`` has shape ``(n, classes)``: softmax turns each row into probabilities.
    ``targets`` holds the index of the true class of each row.
    """
    shifted = logits - logits.max(dim=1, keepdim=True).values  # exp() of it cannot overflow
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()  # log softmax
    return -log_probs[torch.arange(len(targets)), targets].mean()
