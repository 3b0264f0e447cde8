"""Convergence beyond the bowl: rates predicted and measured on a loss that is not quadratic.

The loss is the logistic loss of the lesson's line used as a classifier: the score
``a₀ x + a₁`` of a point is the log-odds that its label is +1. Its Hessian changes from point
to point, so no single eigenvalue predicts everything: the bound ``L`` holds everywhere, the
curvatures at the optimum hold near it. Everything is in float64: rates are measured down to
1e-12. Parameters ``a`` may carry leading dimensions, ``(..., 2)``, to run many at once.
"""

import math
from collections.abc import Callable, Sequence

import torch

from descent.data import NOISE_WIDTH, TRUE_PARAMS, make_line_data
from descent.lesson import N_POINTS

SEPARABLE_GAP = 0.5  # the separable data keep the points with |3x + 2| at least this
Function = Callable[[torch.Tensor], torch.Tensor]  # parameters (..., 2) to a loss or gradient


def logistic_data(
    n: int = N_POINTS, seed: int = 0, separable: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's points ``x`` (n, 2) with labels ``s`` (n,) of ±1, both float64.

    A point is +1 with probability ``σ(3x + 2)``: the true line gives the log-odds, and the
    point's own noise, shifted onto [0, 1), is the coin. Logistic regression then finds about
    (3, 2), and the classes overlap, so the loss has a unique minimizer. With ``separable``
    each point takes the coin's likelier side, the sign of ``3x + 2``, and the points whose
    likelier side has a probability below ``σ(SEPARABLE_GAP)`` ≈ 0.62 are left out (about a
    sixth): the loss has no minimizer, and a margin that does not shrink as ``n`` grows.
    """
    x, y = make_line_data(n, seed=seed)
    x, y = x.double(), y.double()
    logits = x @ torch.tensor(TRUE_PARAMS, dtype=torch.float64)
    if separable:
        kept = logits.abs() >= SEPARABLE_GAP
        return x[kept], torch.where(logits[kept] > 0, 1.0, -1.0).double()
    coin = (y - logits) / NOISE_WIDTH + 0.5  # uniform on [0, 1)
    return x, torch.where(coin < torch.sigmoid(logits), 1.0, -1.0).double()


def _margins(x: torch.Tensor, s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """``s·(x a)``, how far each point is on its right side: ``(..., n)``."""
    return s * (a @ x.T)


def logistic_loss(x: torch.Tensor, s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """``mean(log(1 + exp(-s·(x a))))``, ``(...)``."""
    m = _margins(x, s, a)
    return torch.logaddexp(torch.zeros_like(m), -m).mean(dim=-1)  # exact for any margin


def logistic_gradient(x: torch.Tensor, s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """``-mean(s σ(-m) x)``: each point pulls with the probability of its mistake, ``(..., 2)``."""
    pull = s * torch.sigmoid(-_margins(x, s, a))  # (..., n)
    return -pull @ x / len(x)


def logistic_hessian(x: torch.Tensor, s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """``mean(σ(m) σ(-m) x xᵀ)``, ``(..., 2, 2)``: only the points near the boundary curve it."""
    m = _margins(x, s, a)
    weight = torch.sigmoid(m) * torch.sigmoid(-m)  # at most 1/4, reached on the boundary
    return (x.T * weight[..., None, :]) @ x / len(x)


def smoothness(x: torch.Tensor) -> float:
    """``L = λmax(xᵀx) / (4n)``: no Hessian is larger anywhere, as ``σ(m)σ(-m) ≤ 1/4``."""
    return torch.linalg.eigvalsh(x.T @ x).max().item() / (4 * len(x))


def curvatures(x: torch.Tensor, s: torch.Tensor, a: torch.Tensor) -> tuple[float, float]:
    """The smallest and largest eigenvalue of the Hessian at ``a``: ``(μ, λmax)``."""
    eigenvalues = torch.linalg.eigvalsh(logistic_hessian(x, s, a))
    return eigenvalues[0].item(), eigenvalues[-1].item()


def newton(x: torch.Tensor, s: torch.Tensor, start: Sequence[float], steps: int) -> torch.Tensor:
    """Newton's method ``a ← a − H⁻¹∇L``: the path, ``(steps + 1, 2)``."""
    path = [torch.tensor(start, dtype=torch.float64)]
    for _ in range(steps):
        a = path[-1]
        path.append(a - torch.linalg.solve(logistic_hessian(x, s, a), logistic_gradient(x, s, a)))
    return torch.stack(path)


def optimum(x: torch.Tensor, s: torch.Tensor, steps: int = 30) -> torch.Tensor:
    """The minimizer, by Newton's method from zero: converged to the last digit long before
    ``steps``, as each step squares the error."""
    return newton(x, s, (0.0, 0.0), steps)[-1]


def newton_error(x: torch.Tensor, s: torch.Tensor, error: torch.Tensor) -> torch.Tensor:
    """The error ``(2,)`` Newton's method leaves after a step from ``a* + error``, to second
    order: ``½ H⁻¹ T[e, e]``, with ``H`` and the third derivative ``T`` at the optimum."""
    a_star = optimum(x, s)
    p = torch.sigmoid(_margins(x, s, a_star))
    bend = p * (1 - p) * (1 - 2 * p) * s  # the third derivative of each point's loss, times s³
    third = (bend * (x @ error) ** 2) @ x / len(x)  # T[e, e]
    return 0.5 * torch.linalg.solve(logistic_hessian(x, s, a_star), third)


def gradient_descent(
    grad: Function, start: Sequence[float], lr: float | torch.Tensor, steps: int
) -> torch.Tensor:
    """Gradient descent at one rate, or at every rate of a tensor ``lr`` (R,) at once.

    Returns the parameters before each step and after the last: ``(steps + 1, 2)``, or
    ``(R, steps + 1, 2)`` for R rates.
    """
    lr = torch.as_tensor(lr, dtype=torch.float64)[..., None]  # (..., 1) against (..., 2)
    a = torch.tensor(start, dtype=torch.float64).expand(*lr.shape[:-1], 2)
    path = [a]
    for _ in range(steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return torch.stack(path, dim=-2)


def armijo_descent(
    loss: Function,
    grad: Function,
    start: Sequence[float],
    steps: int,
    lr0: float = 64.0,
    c: float = 0.5,
    max_halvings: int = 60,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Gradient descent that chooses each rate without knowing ``L``: try ``lr0``, halve it
    until the loss falls by at least ``c·lr·‖∇L‖²`` (Armijo's condition).

    Returns the path ``(steps + 1, 2)``, the rate of each step ``(steps,)`` and how many times
    each step evaluated the loss ``(steps,)``, the one at the start of the step included. A step
    that finds no rate within ``max_halvings`` (rounding hides the decrease) stays put: rate 0.
    """
    a = torch.tensor(start, dtype=torch.float64)
    path, lrs, evaluations = [a], [], []
    for _ in range(steps):
        g, value, lr, trials = grad(a), loss(a), lr0, 1
        while loss(a - lr * g) > value - c * lr * g.dot(g):  # Armijo's condition fails
            lr, trials = lr / 2, trials + 1
            if trials > max_halvings:  # rounding hides the decrease: stay put
                lr = 0.0
                break
        a = a - lr * g
        path.append(a)
        lrs.append(lr)
        evaluations.append(trials + 1)  # the loss at a, and at each rate tried
    return torch.stack(path), torch.tensor(lrs), torch.tensor(evaluations)


def local_rate(x: torch.Tensor, s: torch.Tensor, lr: float) -> float:
    """The factor by which a step of rate ``lr`` shrinks the error near the optimum:
    ``max|1 − lr·λ|`` over the eigenvalues λ of the Hessian there, as for a quadratic."""
    mu, top = curvatures(x, s, optimum(x, s))
    return max(abs(1 - lr * mu), abs(1 - lr * top))


def max_margin_direction(x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """The unit vector ``a`` (2,) with the largest ``γ = min s·(x a)``, for separable data.

    Gradient descent's direction tends to it and, with ``‖a‖ ≈ log(t)/γ``, its loss to
    ``1/(lr γ² t)`` (Soudry et al., 2018). Here the two points nearest the boundary, one of each
    class, hold the margin: ``a`` with ``s·(x a) = 1`` on both is the shortest separating one.
    """
    nearest = torch.stack([x[s > 0, 0].min(), x[s < 0, 0].max()])
    inputs = torch.stack([nearest, torch.ones(2, dtype=x.dtype)], dim=1)  # (2, 2)
    a = torch.linalg.solve(inputs, s.new_tensor([1.0, -1.0]))
    if (_margins(x, s, a) < 1 - 1e-9).any():
        raise ValueError("the data are not separable by a line with positive slope")
    return a / a.norm()


def max_margin(x: torch.Tensor, s: torch.Tensor) -> float:
    """``γ``, the margin of :func:`max_margin_direction`."""
    return _margins(x, s, max_margin_direction(x, s)).min().item()


def gradient_noise(x: torch.Tensor, s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """The covariance ``(2, 2)`` of one point's gradient about the full gradient, at ``a``."""
    each = -(s * torch.sigmoid(-_margins(x, s, a)))[:, None] * x  # (n, 2)
    deviation = each - each.mean(dim=0)
    return deviation.T @ deviation / len(x)


def noise_floor(x: torch.Tensor, s: torch.Tensor, lr: float) -> float:
    """Where SGD at a constant ``lr`` stalls, the mean excess loss ``lr·tr(Σ)/4`` for small
    ``lr``: each step's noise ``lr²Σ`` balances the pull back, ``2·lr·H``, in ``½ eᵀHe``."""
    return lr * gradient_noise(x, s, optimum(x, s)).trace().item() / 4


def decay_constant(x: torch.Tensor, s: torch.Tensor, c: float) -> float:
    """The mean excess loss of SGD at rates ``c/t``, times ``t``, for large ``t``.

    Along each eigenvector of ``H`` (eigenvalue λ, noise variance σ²) it is
    ``c²λσ² / (2(2cλ − 1))``: finite only when ``2cλ > 1`` for every λ, so ``c > 1/(2μ)``.
    """
    a_star = optimum(x, s)
    eigenvalues, vectors = torch.linalg.eigh(logistic_hessian(x, s, a_star))
    variances = torch.diagonal(vectors.T @ gradient_noise(x, s, a_star) @ vectors)
    if (2 * c * eigenvalues <= 1).any():
        return math.inf
    return (c**2 * eigenvalues * variances / (2 * (2 * c * eigenvalues - 1))).sum().item()


def decaying_rates(c: float, t0: float, steps: int) -> torch.Tensor:
    """``c / (t + t0)`` for each step ``t``: the steps add up to any distance, their squares
    do not (Robbins and Monro), so the noise averages out."""
    return c / (torch.arange(steps, dtype=torch.float64) + t0)


def sgd(
    x: torch.Tensor,
    s: torch.Tensor,
    start: Sequence[float],
    lrs: torch.Tensor,
    seeds: Sequence[int],
    every: int = 1,
) -> torch.Tensor:
    """SGD, one point drawn at random per step, for every seed at once: ``lrs[t]`` is the rate
    of step ``t``, one for all seeds ``(T,)`` or one per seed ``(T, S)``. Returns the parameters
    every ``every`` steps, ``(S, T // every + 1, 2)``.
    """
    draws = [
        torch.randint(len(x), (len(lrs),), generator=torch.Generator().manual_seed(seed))
        for seed in seeds
    ]  # seed s draws as if run alone
    picks = torch.stack(draws, dim=1)  # (T, S)
    rates = lrs.to(torch.float64).reshape(len(lrs), -1, 1)  # (T, 1 or S, 1)
    a = torch.tensor(start, dtype=torch.float64).repeat(len(seeds), 1)  # (S, 2)
    path = [a]
    for t in range(len(lrs)):
        xi, si = x[picks[t]], s[picks[t]]  # (S, 2), (S,)
        pull = si * torch.sigmoid(-si * (a * xi).sum(dim=-1))
        a = a + rates[t] * pull[:, None] * xi
        if (t + 1) % every == 0:
            path.append(a)
    return torch.stack(path, dim=1)


def first_below(values: torch.Tensor, level: float) -> int:
    """The number of steps after which ``values`` (T,) stay below ``level``: ``T`` if they end
    above it."""
    above = (values >= level).nonzero()
    return 0 if len(above) == 0 else int(above[-1]) + 1


def tuned_constant_rates(
    x: torch.Tensor,
    s: torch.Tensor,
    start: Sequence[float],
    lrs: Sequence[float],
    budgets: Sequence[int],
    tune: Sequence[int],
    score: Sequence[int],
) -> tuple[torch.Tensor, torch.Tensor]:
    """SGD at the constant rate of ``lrs`` that is best for each budget: chosen by the mean excess
    loss on the seeds ``tune``, scored on the seeds ``score``, so the choice cannot flatter it.

    Returns the rate chosen for each budget and its mean excess loss there, ``(B,)`` each.
    """
    minimum = logistic_loss(x, s, optimum(x, s))
    steps = max(budgets)

    def excess(rates: Sequence[float], seeds: Sequence[int]) -> torch.Tensor:  # (R, B)
        chains = torch.tensor(rates, dtype=torch.float64).repeat_interleave(len(seeds))
        path = sgd(x, s, start, chains.expand(steps, -1), list(seeds) * len(rates))
        values = logistic_loss(x, s, path[:, list(budgets)]) - minimum  # (R·S, B)
        return values.reshape(len(rates), len(seeds), -1).mean(dim=1)  # all rates in one run

    chosen = excess(lrs, tune).argmin(dim=0)  # (B,)
    rates = torch.tensor(lrs, dtype=torch.float64)[chosen]
    scored = excess(rates.tolist(), score)  # (B, B): each chosen rate at every budget
    return rates, torch.diagonal(scored)
