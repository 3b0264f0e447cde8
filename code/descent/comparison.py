"""Racing optimizers on the loss bowl of a line: many learning rates at once, steps counted.

The optimizers of :mod:`descent.optimizers` work element by element, so a batch of starting
points (one per row) with a column of learning rates runs many settings in one go.
"""

import math
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import torch
from torch.optim import SGD, Adam

from descent.fit import least_squares, mse_gradient
from descent.optimizers import adam, heavy_ball, momentum_limit, nesterov, train_line
from descent.regimes import curvatures, hessian

# An optimizer of descent.optimizers with its other settings fixed: (gradient, start, lr, steps).
Method = Callable[..., torch.Tensor]
RACE_MOMENTA = torch.linspace(0, 0.95, 20)  # the momenta a race tunes; β = 0 is gradient descent
RACE_MAX_STEPS = 2000  # a method that needs more "never gets there"


def bowl(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The curvature ``H`` and the optimum ``a*`` of the MSE of a line, in float64."""
    x, y = x.double(), y.double()
    return hessian(x), least_squares(x, y)


def bowl_gradient(x: torch.Tensor, y: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """The MSE's gradient ``H (a - a*)``, for one parameter vector or a batch of rows."""
    hessian, optimum = bowl(x, y)
    return lambda a: (a - optimum) @ hessian  # H is symmetric, so rows times H is H times a


def excess_loss(x: torch.Tensor, y: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """How far above its minimum the MSE is at each parameter vector (the last axis): exact,
    because the loss is the quadratic ``L* + ½ (a - a*)ᵀ H (a - a*)``."""
    hessian, optimum = bowl(x, y)
    error = params.double() - optimum
    return 0.5 * ((error @ hessian) * error).sum(dim=-1)


def run_many(
    method: Method,
    x: torch.Tensor,
    y: torch.Tensor,
    start,
    lrs: torch.Tensor,
    steps: int,
    **settings: torch.Tensor,
) -> torch.Tensor:
    """The paths of ``method`` from ``start``, one per learning rate: shape (steps + 1, lrs, 2).
    Other ``settings`` (a momentum) give one value per learning rate."""
    starts = torch.tensor(start, dtype=torch.float64).expand(len(lrs), 2)
    columns = {name: values.double()[:, None] for name, values in settings.items()}
    return method(bowl_gradient(x, y), starts, lr=lrs.double()[:, None], steps=steps, **columns)


def steps_below(excess: torch.Tensor, tol: float) -> torch.Tensor:
    """For each column of ``excess`` (steps down the rows), the first step after which it stays
    below ``tol``; the number of rows when it never does (or diverges to NaN)."""
    above = ~(excess < tol)  # NaN counts as above
    last_above = torch.where(above.any(dim=0), len(excess) - 1 - above.flip(0).int().argmax(0), -1)
    return last_above + 1


class Tuned(NamedTuple):
    lr: float
    momentum: float | None  # None: the method has no momentum to tune
    path: torch.Tensor
    steps: int


def tuned_run(
    method: Method,
    x,
    y,
    start,
    lrs: torch.Tensor,
    steps: int,
    tol: float,
    momenta: torch.Tensor | None = None,
) -> Tuned:
    """The learning rate of ``lrs`` (and, given ``momenta``, the momentum) that gets the loss
    within ``tol`` of its minimum in the fewest steps (ties: the lower final loss), its path,
    and that number of steps."""
    lrs, settings = _grid(lrs, momenta)
    paths = run_many(method, x, y, start, lrs, steps, **settings)
    excess = excess_loss(x, y, paths)
    needed = steps_below(excess, tol)
    final = torch.nan_to_num(excess[-1], nan=torch.inf)
    best = min(range(len(lrs)), key=lambda i: (needed[i].item(), final[i].item()))
    momentum = settings["momentum"][best].item() if settings else None
    return Tuned(lrs[best].item(), momentum, paths[:, best].float(), needed[best].item())


def steps_by_tolerance(
    method: Method,
    x,
    y,
    start,
    lrs: torch.Tensor,
    steps: int,
    tols: torch.Tensor,
    momenta: torch.Tensor | None = None,
) -> torch.Tensor:
    """For each tolerance of ``tols``, the fewest steps after which the loss stays within it of
    its minimum, the learning rate (and momentum) tuned for that tolerance alone: ``(K,)``,
    infinite where no setting gets there within ``steps``. One set of runs serves every
    tolerance."""
    lrs, settings = _grid(lrs, momenta)
    excess = excess_loss(x, y, run_many(method, x, y, start, lrs, steps, **settings))
    needed = torch.stack([steps_below(excess, tol).min() for tol in tols.tolist()]).double()
    return needed.where(needed <= steps, torch.inf)


def _grid(lrs: torch.Tensor, momenta: torch.Tensor | None) -> tuple[torch.Tensor, dict]:
    """The learning rates to run and, given ``momenta``, every pair of a rate and a momentum."""
    if momenta is None:
        return lrs, {}
    lrs, betas = torch.cartesian_prod(lrs.double(), momenta.double()).T
    return lrs, {"momentum": betas}


def largest_stable_lr(method: Method, x, y, start, lrs: torch.Tensor, steps: int) -> float:
    """The last learning rate of the increasing ``lrs`` before the first whose run ends farther
    from the optimum than it started."""
    distances = (run_many(method, x, y, start, lrs, steps) - bowl(x, y)[1]).norm(dim=-1)
    unstable = ~(distances[-1] < distances[0])
    first = unstable.int().argmax().item() if unstable.any() else len(lrs)
    return lrs[first - 1].item()


def race(
    methods: dict[str, Method],
    x,
    y,
    start,
    lrs: torch.Tensor,
    steps: int,
    tol: float,
    momenta: dict[str, torch.Tensor] | None = None,
) -> dict[str, Tuned]:
    """Each method's :func:`tuned_run` on the bowl of ``(x, y)``, by name; the methods named in
    ``momenta`` have their momentum tuned too, over the values given."""
    momenta = momenta or {}
    return {
        name: tuned_run(method, x, y, start, lrs, steps, tol, momenta.get(name))
        for name, method in methods.items()
    }


def stability_limits(
    x, y, start, momentum: float, lrs: torch.Tensor, steps: int = 200
) -> dict[str, tuple[float, float]]:
    """The largest stable learning rate of gradient descent (``"gd"``), the heavy ball (``"hb"``)
    and Nesterov: predicted by :func:`momentum_limit`, and measured by :func:`largest_stable_lr`."""
    curvature = curvatures(x)[1]
    settings = {
        "gd": (heavy_ball, 0.0),
        "hb": (heavy_ball, momentum),
        "nesterov": (nesterov, momentum),
    }
    return {
        name: (
            momentum_limit(curvature, beta, nesterov=method is nesterov),
            largest_stable_lr(partial(method, momentum=beta), x, y, start, lrs, steps),
        )
        for name, (method, beta) in settings.items()
    }


def losses_along(x: torch.Tensor, y: torch.Tensor, path: torch.Tensor) -> torch.Tensor:
    """The MSE of the line at each row of ``path``."""
    return ((path @ x.T - y) ** 2).mean(dim=-1)


def largest_gap_to_torch(x, y, start, lr: float, momentum: float, steps: int) -> float:
    """How far the losses along our heavy ball, Nesterov and Adam stray from those along
    ``torch.optim.SGD`` (with momentum, then Nesterov) and ``torch.optim.Adam``."""
    gradient = partial(mse_gradient, x, y)
    pairs = [
        (partial(heavy_ball, momentum=momentum), partial(SGD, lr=lr, momentum=momentum)),
        (partial(nesterov, momentum=momentum),
         partial(SGD, lr=lr, momentum=momentum, nesterov=True)),
        (adam, partial(Adam, lr=lr)),
    ]  # fmt: skip
    gaps = []
    for ours, theirs in pairs:
        path = ours(gradient, torch.tensor(start), lr=lr, steps=steps)
        gaps.append((losses_along(x, y, path[:-1]) - train_line(x, y, theirs, steps, start)).abs())
    return torch.cat(gaps).max().item()


def four_methods() -> dict[str, Method]:
    """Gradient descent, the heavy ball, Nesterov (both still to be given a momentum) and Adam,
    by name."""
    return {
        "gd": partial(heavy_ball, momentum=0.0),
        "hb": heavy_ball,
        "nesterov": nesterov,
        "adam": adam,
    }


def polyak_parameters(x: torch.Tensor) -> tuple[float, float]:
    """Polyak's learning rate and momentum for the heavy ball on the bowl of ``x``.

    With ``lr = 4 / (√λmax + √λmin)²`` and ``β = ((√κ - 1) / (√κ + 1))²`` the error along the
    gentlest and along the sharpest direction both shrink by ``√β`` per step, the smallest
    worst-case factor the heavy ball can reach; gradient descent's best is ``(κ - 1)/(κ + 1)``.
    """
    gentlest, sharpest = curvatures(x)
    root_kappa = math.sqrt(sharpest / gentlest)
    lr = 4 / (math.sqrt(sharpest) + math.sqrt(gentlest)) ** 2
    return lr, ((root_kappa - 1) / (root_kappa + 1)) ** 2
