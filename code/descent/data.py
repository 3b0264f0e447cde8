"""Synthetic data for fitting a straight line."""

from typing import NamedTuple

import torch

from descent.lesson import N_POINTS

TRUE_PARAMS = (3.0, 2.0)  # slope and intercept that generate the data
NOISE_WIDTH = 1.0  # the noise is uniform on an interval this wide
NOISE_VARIANCE = NOISE_WIDTH**2 / 12  # σ² of that noise, derived in the chapter best-line
LESSON_NOISE_MEAN = 0.5  # the lesson's torch.rand: uniform on [0, 1), not centred on zero


def make_line_data(
    n: int = N_POINTS,
    params: tuple[float, float] = TRUE_PARAMS,
    noise_mean: float = 0.0,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``(x, y)`` with ``y = x @ params + noise``.

    ``x`` has shape ``(n, 2)``: the first column is uniform in [-1, 1), the second is all
    ones, so the second parameter acts as the intercept (the bias). The noise is uniform on
    an interval of width ``NOISE_WIDTH`` centred on ``noise_mean``. The lesson this book grows
    from used ``torch.rand`` (``noise_mean=LESSON_NOISE_MEAN``), which lifts every point.
    """
    generator = torch.Generator().manual_seed(seed)
    x = torch.ones(n, 2)
    x[:, 0] = torch.rand(n, generator=generator) * 2 - 1
    noise = (torch.rand(n, generator=generator) - 0.5) * NOISE_WIDTH + noise_mean
    y = x @ torch.tensor(params) + noise
    return x, y


def mean_offset(
    x: torch.Tensor, y: torch.Tensor, params: tuple[float, float] = TRUE_PARAMS
) -> float:
    """How far above the line ``params`` the points lie on average: the mean of the noise."""
    return (y - x @ torch.tensor(params)).mean().item()


class Split(NamedTuple):
    """Real data shuffled once and cut in two: inputs and labels to learn from and to test on."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def shuffled_split(x: torch.Tensor, y: torch.Tensor, n_test: int, seed: int) -> Split:
    """The rows of ``x`` and ``y`` in an order drawn from ``seed``; the last ``n_test`` are the
    test set."""
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    train, test = order[:-n_test], order[-n_test:]
    return Split(x[train], y[train], x[test], y[test])
