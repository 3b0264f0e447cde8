"""The gradient of the MSE, three ways, and the point where it vanishes."""

from collections.abc import Callable

import torch


def mse_gradient_sums(x: torch.Tensor, y: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """The two partial derivatives of the MSE of the line ``a = (slope, intercept)``, as sums."""
    inputs, n = x[:, 0], len(x)
    errors = a[0] * inputs + a[1] - y  # one error per point
    d_slope = 2 / n * (errors * inputs).sum()  # each error weighted by its input
    d_intercept = 2 / n * errors.sum()  # each error weighted by 1
    return torch.stack([d_slope, d_intercept])


def finite_difference_gradient(
    loss: Callable[[torch.Tensor], torch.Tensor], a: torch.Tensor, h: float = 1e-3
) -> torch.Tensor:
    """The gradient of ``loss`` at ``a``, estimated without calculus.

    Each parameter in turn is nudged by ``h`` up and down; the change in the loss over the
    change ``2h`` in the parameter approximates the slope along it (a central difference).
    """
    gradient = torch.zeros_like(a)
    for k in range(len(a)):
        nudge = torch.zeros_like(a)
        nudge[k] = h
        gradient[k] = (loss(a + nudge) - loss(a - nudge)) / (2 * h)
    return gradient


def solve_normal_equations(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The parameters where the gradient of the MSE is zero: the solution of ``xᵀx a = xᵀy``."""
    return torch.linalg.solve(x.T @ x, x.T @ y)
