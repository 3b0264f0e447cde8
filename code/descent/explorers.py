"""Every run an explorer can show, computed by the package's own fit functions.

Each function returns one run per slider setting; the tests check every run against a direct
call of the fit function it wraps. :mod:`descent.explorer_figures` draws them in a page.
"""

import math
from dataclasses import dataclass
from functools import partial

import torch

from descent.conditioning import (
    best_learning_rate,
    condition_number,
    gradient_descent_path,
    scale_input,
    steps_to_tolerance,
)
from descent.fit import (
    Fit,
    fit_gradient_descent,
    largest_stable_learning_rate,
    least_squares,
    mse_gradient,
    steps_to_reach,
)
from descent.lesson import LOSS_TOLERANCE
from descent.loss import mse
from descent.minibatch import fit_minibatch_sgd, steps_per_epoch
from descent.optimizers import heavy_ball
from descent.regimes import hessian


def rounded_geomspace(low: float, high: float, per_decade: int, digits: int = 2) -> list[float]:
    """Values from ``low`` up to ``high``, ``per_decade`` in every factor of ten (so ``10·low``
    is one of them), rounded to ``digits`` significant digits: the value a slider shows is the
    value that runs."""
    count = math.floor(per_decade * math.log10(high / low) + 1e-9) + 1
    values = (low * 10 ** (i / per_decade) for i in range(count))
    return sorted({float(f"{v:.{digits}g}") for v in values})


def losses_along(x: torch.Tensor, y: torch.Tensor, path: torch.Tensor) -> torch.Tensor:
    """The MSE at each row of ``path``, in float64."""
    x, y = x.double(), y.double()
    return torch.stack([mse(x @ a, y) for a in path.double()])


def loss_ellipses(hessian: torch.Tensor, center: torch.Tensor, levels) -> list[list[float]]:
    """The contours of the quadratic loss ``½ (a - center)ᵀ H (a - center) = level``.

    Each is ``[cx, cy, rx, ry, degrees]``: an ellipse whose radius ``rx`` lies along the
    eigenvector of the smaller eigenvalue, turned ``degrees`` from the first axis.
    """
    eigenvalues, eigenvectors = torch.linalg.eigh(hessian.double())
    along = eigenvectors[:, 0]
    degrees = math.degrees(math.atan2(along[1].item(), along[0].item()))
    low, high = eigenvalues.tolist()
    cx, cy = center.tolist()
    return [
        [cx, cy, math.sqrt(2 * level / low), math.sqrt(2 * level / high), degrees]
        for level in levels
    ]


def contour_levels(top: float, count: int = 6) -> list[float]:
    """``count`` levels below ``top``, each a quarter of the last: ellipses of half the size."""
    return [top / 4**k for k in range(count)]


# --- Learning rate ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LearningRateRun:
    lr: float
    fit: Fit
    regime: str  # "smooth", "zigzag" or "diverges"
    steps_needed: int | None  # to come within ``tol`` of the optimum; None when it diverges
    steepest_factor: float  # what a step multiplies the distance by, along the steepest direction


def regime(x: torch.Tensor, lr: float) -> str:
    """``smooth`` up to ``1/λmax``, ``zigzag`` up to ``2/λmax``, then ``diverges``.

    A step multiplies the distance along the sharpest direction by ``1 - lr·λmax``: positive
    below ``1/λmax``, between -1 and 0 up to ``2/λmax`` (the path changes side at each step),
    below -1 beyond (it changes side and grows).
    """
    limit = largest_stable_learning_rate(x)  # 2/λmax
    if lr >= limit:
        return "diverges"
    return "zigzag" if lr > limit / 2 else "smooth"


def learning_rate_runs(
    x, y, start, lrs, steps: int, tol: float = 1e-3, max_steps: int = 10_000
) -> list[LearningRateRun]:
    """One run of ``steps`` steps of gradient descent per learning rate, with its regime and
    the number of steps it needs (``steps_to_reach``)."""
    sharpest = 2 / largest_stable_learning_rate(x)  # λmax
    runs = []
    for lr in lrs:
        kind = regime(x, lr)
        needed = None if kind == "diverges" else steps_to_reach(x, y, start, lr, tol, max_steps)
        fit = fit_gradient_descent(x, y, start, lr, steps)
        runs.append(LearningRateRun(lr, fit, kind, needed, 1 - lr * sharpest))
    return runs


# --- One dimension ---------------------------------------------------------------------------
def slope_only(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets of the loss of the slope alone, the intercept held at its best value:
    ``L(w) = mean((w·x + b* - y)²)``, a parabola in ``w``."""
    intercept = least_squares(x, y)[1]
    return x[:, :1], y - intercept


@dataclass(frozen=True)
class SlopeRun:
    lr: float
    fit: Fit  # one parameter: the slope
    gradients: list[float]  # the derivative L'(w) at each point of the path


def slope_runs(x, y, start: float, lrs, steps: int) -> list[SlopeRun]:
    """Gradient descent on the slope alone, one run per learning rate."""
    inputs, targets = slope_only(x, y)
    runs = []
    for lr in lrs:
        fit = fit_gradient_descent(inputs, targets, (start,), lr, steps)
        gradients = [mse_gradient(inputs, targets, w).item() for w in fit.params]
        runs.append(SlopeRun(lr, fit, gradients))
    return runs


# --- Batch size ------------------------------------------------------------------------------
def minibatch_runs(x, y, start, lr, batch_sizes, seeds, steps: int) -> dict[tuple[int, int], Fit]:
    """The first ``steps`` steps of minibatch SGD for every batch size and seed."""
    runs = {}
    for batch_size in batch_sizes:
        epochs = math.ceil(steps / steps_per_epoch(len(x), batch_size))
        for seed in seeds:
            fit = fit_minibatch_sgd(x, y, start, lr, batch_size, epochs, seed)
            runs[batch_size, seed] = Fit(fit.params[: steps + 1], fit.losses[:steps])
    return runs


# --- Momentum --------------------------------------------------------------------------------
@dataclass(frozen=True)
class MomentumRun:
    lr: float
    momentum: float
    path: torch.Tensor  # (steps + 1, 2)
    excess: torch.Tensor  # how far above its minimum the loss is, at each point of the path
    steps_needed: int | None  # after which the excess stays below ``tol``; None: not in time


def steps_within(excess: torch.Tensor, tol: float) -> int | None:
    """The first step from which ``excess`` stays below ``tol``; None if its end is not."""
    above = (~(excess < tol)).nonzero()  # NaN counts as above
    if len(above) == 0:
        return 0
    last = above[-1].item()
    return None if last == len(excess) - 1 else last + 1


def momentum_runs(
    x, y, start, lrs, momenta, steps: int, tol: float = LOSS_TOLERANCE, max_steps=2000
):
    """The heavy ball for every learning rate and momentum (momentum 0 is gradient descent):
    the first ``steps`` steps, and the steps it needs, counted over ``max_steps``."""
    gradient = partial(mse_gradient, x, y)
    lowest = mse(x.double() @ least_squares(x.double(), y.double()), y.double())
    runs = {}
    for lr in lrs:
        for beta in momenta:
            path = heavy_ball(gradient, torch.tensor(start), lr, beta, max_steps)
            excess = losses_along(x, y, path) - lowest
            needed = steps_within(excess, tol)
            runs[lr, beta] = MomentumRun(lr, beta, path[: steps + 1], excess[: steps + 1], needed)
    return runs


# --- Feature scaling -------------------------------------------------------------------------
@dataclass(frozen=True)
class ScalingRun:
    shift: float
    scale: float
    inputs: torch.Tensor  # x with its input column ``scale·x + shift``
    kappa: float
    lr: float  # the best learning rate for these inputs
    steps_needed: int  # from a = 0 until the loss is within LOSS_TOLERANCE of its minimum
    path: torch.Tensor  # the first steps, from a = 0


def scaling_runs(x, y, shifts, scales, steps: int) -> dict[tuple[float, float], ScalingRun]:
    runs = {}
    for shift in shifts:
        for scale in scales:
            inputs = scale_input(x, shift, scale)
            lr = best_learning_rate(inputs)
            runs[shift, scale] = ScalingRun(
                shift,
                scale,
                inputs,
                condition_number(inputs),
                lr,
                steps_to_tolerance(inputs, y, lr),
                gradient_descent_path(inputs, y, steps),
            )
    return runs


def bowl_ellipses(x: torch.Tensor, y: torch.Tensor, through: torch.Tensor) -> list[list[float]]:
    """Contours of the MSE of a line, the second one through the point ``through``."""
    optimum = least_squares(x.double(), y.double())
    lowest = mse(x.double() @ optimum, y.double()).item()
    top = 4 * (losses_along(x, y, through.reshape(1, 2)).item() - lowest)
    return loss_ellipses(hessian(x.double()), optimum, contour_levels(top))
