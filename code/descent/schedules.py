"""Learning-rate schedules, and a fair race between them.

A schedule is a function ``schedule(t, total)``: the factor by which step ``t`` of ``total``
multiplies the peak learning rate, with steps counted from 1 as
:func:`~descent.many.train_many` counts them. The race trains every schedule at every peak
rate of a grid, from several seeds, in one vectorized call, and keeps each schedule's best.
"""

import math
from collections.abc import Callable, Sequence

import torch

from descent import many

Schedule = Callable[[int, int], float]


def cosine(t: int, total: int) -> float:
    """Half a cosine: the full rate at the first step, falling slowly, then fast, then slowly
    towards zero."""
    return 0.5 * (1 + math.cos(math.pi * (t - 1) / total))


def linear(t: int, total: int) -> float:
    """A straight fall from the full rate at the first step towards zero."""
    return 1 - (t - 1) / total


def warmup(fraction: float, then: Schedule = many.constant) -> Schedule:
    """A linear rise to the full rate over the first ``fraction`` of the steps, then the
    schedule ``then`` over the rest."""

    def schedule(t: int, total: int) -> float:
        rise = max(1, round(fraction * total))
        return t / rise if t <= rise else then(t - rise, total - rise)

    return schedule


def side_by_side(schedules: Sequence[Schedule], chains_each: int) -> Callable:
    """One schedule for ``len(schedules) · chains_each`` chains trained together: the first
    ``chains_each`` follow the first schedule, and so on. Its factors are a tensor ``(K,)``."""

    def schedule(t: int, total: int) -> torch.Tensor:
        factors = torch.tensor([s(t, total) for s in schedules], dtype=torch.float64)
        return factors.repeat_interleave(chains_each)

    return schedule


def race(
    loss: Callable,
    start: Callable[[int], tuple],
    x: torch.Tensor,
    y: torch.Tensor,
    held: tuple[torch.Tensor, torch.Tensor],
    schedules: Sequence[Schedule],
    grid: Sequence[float] | torch.Tensor,
    seeds: torch.Tensor,
    epochs: int,
    batch_size: int,
) -> torch.Tensor:
    """Minibatch SGD on ``(x, y)`` for every schedule, peak rate of ``grid`` and seed (the
    start ``start(seed)`` and the shuffles), all in one call of ``train_many``. Returns the loss
    on the ``held`` data after ``epochs``, ``(schedules, rates, seeds)``."""
    grid = torch.as_tensor(grid, dtype=torch.float64)
    shape = len(schedules), len(grid), len(seeds)
    chains = seeds.repeat(shape[0] * shape[1])
    starts = many.stack([start(int(seed)) for seed in chains])
    rates = grid.repeat_interleave(shape[2]).repeat(shape[0])
    mixed = side_by_side(schedules, shape[1] * shape[2])
    _, _, seen = many.train_many(
        loss, starts, x, y, rates, epochs, batch_size, chains, schedule=mixed, watch={"h": held}
    )
    return seen["h"][:, -1].view(shape)


def tuned(losses: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Each schedule's best rate, chosen on one half of the seeds and scored on the other, then
    the other way round, so that no seed scores the rate it chose. ``losses`` is ``(schedules,
    rates, seeds)``; returns the index of the rate each half chose ``(2, schedules)`` and every
    seed's loss at the rate the other half chose ``(schedules, seeds)``."""
    half = losses.shape[-1] // 2
    halves = slice(None, half), slice(half, None)
    chosen = torch.stack([losses[..., seeds].mean(dim=-1).argmin(dim=-1) for seeds in halves])
    rows = torch.arange(len(losses))
    scores = [losses[rows, chosen[1]][:, halves[0]], losses[rows, chosen[0]][:, halves[1]]]
    return chosen, torch.cat(scores, dim=1)
