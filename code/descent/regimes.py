"""Learning-rate regimes of gradient descent on the MSE, predicted from the curvature of the loss.

The MSE of a line is a quadratic bowl with Hessian ``H = (2/n) xᵀx``. Along each eigenvector of
``H`` a step multiplies the distance to the optimum by ``1 - lr·λ``, where λ is the eigenvalue;
everything in this module follows from that factor.
"""

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from descent.fit import least_squares, steps_to_reach
from descent.i18n import _
from descent.loss import mse_surface
from descent.numbers import formatted
from descent.plots import MODEL_COLOR, OPTIMUM_COLOR


def hessian(x: torch.Tensor) -> torch.Tensor:
    """The matrix of second derivatives of the MSE, the same at every point: ``(2/n) xᵀx``."""
    return 2 / len(x) * x.T @ x


def curvatures(x: torch.Tensor) -> tuple[float, float]:
    """The smallest and largest eigenvalue of the Hessian: the gentlest and sharpest curvature."""
    eigenvalues = torch.linalg.eigvalsh(hessian(x.double()))
    return eigenvalues.min().item(), eigenvalues.max().item()


def regime(x: torch.Tensor, lr: float) -> str:
    """What gradient descent does with this learning rate, in the edition's language.

    Below ``1/λmax`` every factor ``1 - lr·λ`` is positive: the distance shrinks without changing
    side. Between ``1/λmax`` and ``2/λmax`` the sharpest direction's factor is negative but
    larger than -1: each step jumps to the other side, nearer. Above ``2/λmax`` it jumps farther.
    """
    sharpest = curvatures(x)[1]
    if lr * sharpest <= 1:
        return _("smooth")
    if lr * sharpest < 2:
        return _("zig-zag")
    return _("diverges")


def predicted_steps(
    x: torch.Tensor,
    y: torch.Tensor,
    start: tuple[float, float],
    lr: float,
    tol: float = 1e-3,
) -> float:
    """How many steps gradient descent needs to come within ``tol`` of the optimum, by theory.

    Along each eigenvector the start's error ``e₀`` shrinks by ``|1 - lr·λ|`` per step, so it
    falls below ``tol`` after ``ln(tol/e₀) / ln|1 - lr·λ|`` steps; the slowest direction decides.
    Returns ``math.inf`` when some direction never gets there.
    """
    x, y = x.double(), y.double()
    eigenvalues, eigenvectors = torch.linalg.eigh(hessian(x))
    start_errors = eigenvectors.T @ (torch.tensor(start).double() - least_squares(x, y))
    steps = 0.0
    for error, factor in zip(
        start_errors.abs().tolist(), (1 - lr * eigenvalues).abs().tolist(), strict=True
    ):
        if error <= tol:  # already close enough along this direction
            continue
        if factor >= 1:
            return math.inf
        steps = max(steps, math.log(tol / error) / math.log(factor) if factor > 0 else 1)
    return math.ceil(steps)


def step_counts_row(
    x: torch.Tensor,
    y: torch.Tensor,
    start: tuple[float, float],
    lr: float,
    tol: float,
    max_steps: int,
) -> dict[str, object]:
    """What theory and a run say about one learning rate: its regime, the factors ``1 - lr·λ``
    of the gentlest and the sharpest direction, and the steps to come within ``tol`` of the
    optimum, predicted and counted (``"∞"`` and ``"≥ max_steps"`` when they never get there)."""
    gentlest, sharpest = curvatures(x)
    predicted = predicted_steps(x, y, start, lr, tol)
    measured = steps_to_reach(x, y, start, lr, tol, max_steps)
    return {
        "lr": lr,
        "regime": regime(x, lr),
        "factor_min": 1 - lr * gentlest,
        "factor_max": 1 - lr * sharpest,
        "predicted": "∞" if predicted == math.inf else predicted,
        "measured": f"≥ {max_steps}" if measured == max_steps else measured,
    }


def distances_to(params: torch.Tensor, optimum: torch.Tensor) -> torch.Tensor:
    """The distance of each row of ``params`` (one row per step) to ``optimum``."""
    return (params - optimum).norm(dim=1)


def plot_regime_paths(
    x: torch.Tensor, y: torch.Tensor, paths: Sequence[torch.Tensor], lrs: Sequence[float]
) -> Figure:
    """One panel per learning rate: its path over the contours of the loss, with equal scales
    on both axes so that a step is seen at its true angle to the contours."""
    optimum = least_squares(x, y)
    half_width = 4.5  # the window: a square around the optimum that holds the start
    slopes = torch.linspace(-half_width, half_width, 121) + optimum[0]
    intercepts = torch.linspace(-half_width, half_width, 121) + optimum[1]
    surface = mse_surface(x, y, slopes, intercepts)
    levels = np.geomspace(surface.min().item() * 1.05, surface.max().item(), 12)
    fig, axes = plt.subplots(1, len(paths), figsize=(10.0, 3.9), layout="constrained")
    for ax, path, lr in zip(axes, paths, lrs, strict=True):
        ax.contour(slopes, intercepts, surface, levels=levels, cmap="viridis", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], ".-", color=MODEL_COLOR, markersize=5)
        ax.plot(*optimum.tolist(), "*", color=OPTIMUM_COLOR, markersize=12)
        ax.set(title=f"{regime(x, lr)}: η = {formatted(lr, '.3g')}", xlabel=_("slope a[0]"))
        ax.set(xlim=(slopes[0].item(), slopes[-1].item()))
        ax.set(ylim=(intercepts[0].item(), intercepts[-1].item()))
        ax.set_aspect("equal")
    axes[0].set_ylabel(_("intercept a[1]"))
    return fig


def plot_distances(distances: Sequence[torch.Tensor], lrs: Sequence[float], tol: float) -> Figure:
    """The distance to the optimum at each step, one line per learning rate, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")
    for distance, lr in zip(distances, lrs, strict=True):
        ax.plot(distance, label=f"η = {formatted(lr, '.3g')}")
    ax.axhline(tol, color="gray", linestyle="--", label=_("tolerance"))
    ax.set_yscale("log")
    start = max(distance[0].item() for distance in distances)
    # A diverging run leaves through the top; below tol/100 lies only single-precision rounding.
    ax.set_ylim(tol / 100, 10 * start)
    ax.set(
        title=_("Distance to the optimum"),
        xlabel=_("step"),
        ylabel=_("distance to the least-squares optimum"),
    )
    ax.legend()
    return fig
