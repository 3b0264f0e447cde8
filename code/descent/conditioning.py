"""Conditioning: how the shape of the loss bowl, set by the inputs, decides the speed of descent."""

from functools import partial

import numpy as np
import torch

from descent.fit import mse_gradient
from descent.lesson import LOSS_TOLERANCE
from descent.optimizers import heavy_ball
from descent.regimes import curvatures

SHIFT = 10.0  # how far the chapters on feature scaling move the lesson's input to the right


def condition_number(x: torch.Tensor) -> float:
    """How stretched the loss bowl is: the sharpest curvature over the gentlest, ``λmax / λmin``."""
    gentlest, sharpest = curvatures(x)
    return sharpest / gentlest


def scale_input(x: torch.Tensor, shift: float = 0.0, scale: float = 1.0) -> torch.Tensor:
    """A copy of ``x`` whose input column is ``scale·x + shift``; the column of ones stays."""
    moved = x.clone()
    moved[:, 0] = scale * x[:, 0] + shift
    return moved


def stretch_input(x: torch.Tensor, scale: float) -> torch.Tensor:
    """A copy of ``x`` whose input column is centred, then multiplied by ``scale``: the loss
    bowl's axes stay the slope's and the intercept's, only stretched (``H`` is diagonal)."""
    return scale_input(x, shift=-scale * x[:, 0].mean().item(), scale=scale)


def standardize(x: torch.Tensor) -> tuple[torch.Tensor, float, float]:
    """The input rescaled to mean 0 and standard deviation 1, with the mean and deviation used."""
    mean = x[:, 0].mean().item()
    std = x[:, 0].std(correction=0).item()  # the population deviation, as scikit-learn uses
    standardized = x.clone()
    standardized[:, 0] = (x[:, 0] - mean) / std  # the column of ones stays
    return standardized, mean, std


def to_original_units(params: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """Turn a line fitted on standardized inputs back into a line on the original inputs.

    ``w·(x - mean)/std + b`` is the line with slope ``w/std`` and intercept ``b - w·mean/std``.
    """
    w, b = params
    return torch.stack([w / std, b - w * mean / std])


def best_learning_rate(x: torch.Tensor) -> float:
    """The learning rate ``2 / (λmin + λmax)`` that shrinks the slowest error fastest."""
    return 2 / sum(curvatures(x))


def steps_to_tolerance(
    x: torch.Tensor,
    y: torch.Tensor,
    lr: float,
    tol: float = LOSS_TOLERANCE,
    max_steps: int = 1_000_000,
) -> int:
    """Steps of gradient descent from ``a = 0`` until the loss is within ``tol`` of its minimum.

    ``a = 0`` is the same line (``y = 0``) whatever the input's units, so every setting starts
    equally far from its best line. The loss is a quadratic, so its gradient is ``H a - g`` with
    ``g = (2/n) xᵀy``, and its excess over the minimum is ``½ (a - a*)ᵀ H (a - a*)``. NumPy in
    float64 keeps a run of 10⁵ steps fast, and its rounding far below ``tol``.
    Returns ``max_steps`` when the loss never gets there.
    """
    x, y = x.double().numpy(), y.double().numpy()
    hessian = 2 / len(x) * x.T @ x
    g = 2 / len(x) * x.T @ y
    optimum = np.linalg.solve(hessian, g)
    a = np.zeros(2)
    for step in range(max_steps):
        error = a - optimum
        if error @ hessian @ error / 2 < tol:
            return step
        a = a - lr * (hessian @ a - g)
    return max_steps


def gradient_descent_path(x: torch.Tensor, y: torch.Tensor, steps: int) -> torch.Tensor:
    """``steps`` steps of gradient descent at the best learning rate, from ``a = 0``."""
    gradient = partial(mse_gradient, x, y)
    start = torch.zeros(2, dtype=x.dtype)  # float64 inputs run in float64
    return heavy_ball(gradient, start, best_learning_rate(x), momentum=0.0, steps=steps)
