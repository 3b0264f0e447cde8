"""Generalization: how well a fit does on points it was not fitted to.

Seed ``s`` draws one data set, ``make_line_data(n_train + n_held_out, seed=s)``: its first
``n_train`` points are fitted, the rest are held out to measure the loss on new data. The models
are polynomials in ``x``, written in Legendre polynomials, and the data sets of every seed are
fitted at once, stacked along a leading axis ``S``.

The penalty convention, used everywhere here: weight decay ``λ`` adds ``λ‖a‖²`` to the MSE, over
every coefficient but the constant one (``penalty``). Its gradient is ``2λa``, while PyTorch's
``torch.optim.SGD(..., weight_decay=w)`` adds ``w·a`` to the gradient, the gradient of
``(w/2)‖a‖²``: our ``λ`` is PyTorch's ``weight_decay=2λ`` (with the constant left out of it).
"""

from collections.abc import Sequence

import torch

from descent.data import TRUE_PARAMS
from descent.sgd_study import line_data_sets

# E[x xᵀ] of an input row x = (x, 1) of make_line_data, x uniform on [-1, 1): E[x²] = 1/3.
# The overfitting experiment of the chapters generalization and regularization: few points, a
# flexible polynomial, many held-out points to measure it.
FEW_POINTS, HELD_POINTS, FLEXIBLE_DEGREE = 15, 1000, 10
LINE_SECOND_MOMENT = torch.tensor([[1 / 3, 0.0], [0.0, 1.0]], dtype=torch.float64)


def polynomial_features(inputs: torch.Tensor, degree: int) -> torch.Tensor:
    """The Legendre polynomials ``P_0 … P_degree`` of ``inputs`` ``(..., n)``, stacked last:
    ``(..., n, degree + 1)``.

    On inputs uniform on [-1, 1) they are orthogonal on average (``E[P_j P_k] = 0`` for
    ``j ≠ k``), so least squares stays well conditioned at degrees where the powers ``x^k`` look
    alike. ``P_0 = 1`` is the intercept's column. The recurrence
    ``(k+1) P_{k+1} = (2k+1) x P_k - k P_{k-1}`` builds them without ever forming a large power.
    """
    columns = [torch.ones_like(inputs), inputs]
    for k in range(1, degree):
        columns.append(((2 * k + 1) * inputs * columns[k] - k * columns[k - 1]) / (k + 1))
    return torch.stack(columns[: degree + 1], dim=-1)


def penalty(params: torch.Tensor, weight_decay: float) -> torch.Tensor:
    """``λ‖a‖²`` over every coefficient but the first, the constant's: ``(..., p)`` -> ``(...)``.

    Shrinking the intercept would pull the whole curve towards 0, not just make it smoother.
    """
    return weight_decay * (params[..., 1:] ** 2).sum(dim=-1)


def fit_ridge(
    features: torch.Tensor, targets: torch.Tensor, weight_decay: float = 0.0
) -> torch.Tensor:
    """The parameters ``(..., p)`` that minimise MSE + ``penalty`` for features ``(..., n, p)``
    and targets ``(..., n)``; with ``weight_decay=0`` this is least squares.

    The gradient ``(2/n) Fᵀ(Fa - y) + 2λ D a`` (``D`` the identity without its first 1) is zero
    where ``(FᵀF/n + λD) a = Fᵀy/n``: the normal equations, solved in double precision. Forming
    ``FᵀF`` squares the condition number of ``F``: without weight decay, near interpolation
    (degree 12 and up on 15 points) the worst data sets lose digits.
    """
    gram, moment, _ = _moments(features, targets)
    gram = gram + weight_decay * torch.diag(_penalized(gram.shape[-1]))
    return torch.linalg.solve(gram, moment)[..., 0].to(features.dtype)


def mse_of(features: torch.Tensor, targets: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """The MSE of parameters ``(..., p)`` on each data set, features ``(..., n, p)``: ``(...)``."""
    return ((features @ params[..., None])[..., 0] - targets).pow(2).mean(dim=-1)


def held_out_losses(
    n_train: int,
    n_held_out: int,
    degrees: Sequence[int],
    seeds: Sequence[int],
    weight_decays: float | Sequence[float] = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Training and held-out MSE of the polynomial of each degree fitted to each seed's data.

    Returns two tensors ``(S, D)``, or ``(S, D, W)`` when ``weight_decays`` is a sequence, in
    single precision like the data (``sgd_study.quartiles`` takes them); the fits are in double.
    """
    decays = list(weight_decays) if isinstance(weight_decays, Sequence) else [weight_decays]
    xs, ys = line_data_sets(n_train + n_held_out, seeds)
    features = polynomial_features(xs[..., 0].double(), max(degrees))  # (S, n, max degree + 1)
    ys = ys.double()
    train, held = torch.empty(2, len(seeds), len(degrees), len(decays), dtype=torch.float64)
    for d, degree in enumerate(degrees):
        f_train, f_held = features[:, :n_train, : degree + 1], features[:, n_train:, : degree + 1]
        for w, decay in enumerate(decays):
            params = fit_ridge(f_train, ys[:, :n_train], decay)
            train[:, d, w] = mse_of(f_train, ys[:, :n_train], params)
            held[:, d, w] = mse_of(f_held, ys[:, n_train:], params)
    if isinstance(weight_decays, Sequence):
        return train.float(), held.float()
    return train[..., 0].float(), held[..., 0].float()


def expected_excess_risk(
    params_hat: torch.Tensor, true_params: Sequence[float] = TRUE_PARAMS
) -> torch.Tensor:
    """How much a line ``(..., 2)`` (slope, intercept) loses on new data over the true line.

    Exactly ``E[(xᵀ(â - a))²] = (â - a)ᵀ E[x xᵀ] (â - a)`` on a new point: the noise adds the
    same σ² to the loss of every line, so it is left out. ``(...)``.
    """
    error = params_hat.double() - torch.tensor(true_params, dtype=torch.float64)
    return ((error @ LINE_SECOND_MOMENT) * error).sum(dim=-1).to(params_hat.dtype)


def least_squares_excess_risk(n: int, seeds: Sequence[int]) -> torch.Tensor:
    """The expected excess risk of the least-squares line of ``make_line_data(n, seed=s)`` for
    each seed: ``(S,)``. Its mean is about the statistical floor ``σ²p/n``, a little above."""
    xs, ys = line_data_sets(n, seeds)
    return expected_excess_risk(fit_ridge(xs.double(), ys.double())).float()


def gradient_descent_losses(
    features_train: torch.Tensor,
    y_train: torch.Tensor,
    features_held: torch.Tensor,
    y_held: torch.Tensor,
    lr: float,
    steps: int,
    weight_decay: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-batch gradient descent from zero on MSE + ``penalty``, for every data set at once.

    Features ``(S, n, p)``, targets ``(S, n)``. Returns the training and held-out MSE (without
    the penalty) before each step and after the last, ``(S, steps + 1)`` each: where the
    held-out loss is lowest is where early stopping would stop. The MSE is quadratic,
    ``aᵀGa - 2aᵀm + c`` with ``G = FᵀF/n``, so a step never passes over the data.
    """
    train, held = _moments(features_train, y_train), _moments(features_held, y_held)
    gram, moment, _ = train
    decay = 2 * weight_decay * _penalized(gram.shape[-1])[:, None]  # the penalty's gradient / a
    a = torch.zeros_like(moment)  # (S, p, 1)
    records = [a]
    for _ in range(steps):
        a = a - lr * (2 * (gram @ a - moment) + decay * a)
        records.append(a)
    path = torch.stack(records, dim=1)  # (S, steps + 1, p, 1)
    dtype = features_train.dtype
    return _quadratic_mse(path, *train).to(dtype), _quadratic_mse(path, *held).to(dtype)


def _penalized(p: int) -> torch.Tensor:
    """Which of ``p`` coefficients ``penalty`` counts: all but the constant, ``(0, 1, …, 1)``."""
    return torch.cat([torch.zeros(1), torch.ones(p - 1)]).double()


def _moments(features: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """``FᵀF/n`` ``(..., p, p)``, ``Fᵀy/n`` ``(..., p, 1)`` and ``yᵀy/n`` ``(...)`` in double."""
    f, y = features.double(), targets.double()
    n = f.shape[-2]
    return f.mT @ f / n, f.mT @ y[..., None] / n, (y * y).mean(dim=-1)


def _quadratic_mse(
    path: torch.Tensor, gram: torch.Tensor, moment: torch.Tensor, square: torch.Tensor
) -> torch.Tensor:
    """The MSE ``aᵀGa - 2aᵀm + c`` of each point ``(S, T, p, 1)`` of a path: ``(S, T)``."""
    a = path[..., 0]  # (S, T, p)
    return ((a @ gram) * a).sum(-1) - 2 * (a @ moment)[..., 0] + square[:, None]
