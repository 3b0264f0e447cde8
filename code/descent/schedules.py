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
from descent.data import make_line_data
from descent.fit import fastest_learning_rate, largest_stable_learning_rate

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


def by_batch(
    loss: Callable,
    start: Callable[[int], tuple],
    x: torch.Tensor,
    y: torch.Tensor,
    held: tuple[torch.Tensor, torch.Tensor],
    rates: torch.Tensor,
    seeds: torch.Tensor,
    epochs: int,
    batch_sizes: Sequence[int],
) -> torch.Tensor:
    """Constant-rate SGD for ``epochs`` at every batch size, rate and seed: the loss on the
    ``held`` data at the end, ``(batch sizes, rates, seeds)``."""
    return torch.stack(
        [
            race(loss, start, x, y, held, [many.constant], rates, seeds, epochs, b)[0]
            for b in batch_sizes
        ]
    )


def scaling_exponent(batch_sizes: Sequence[int], rates: torch.Tensor) -> float:
    """The ``k`` of ``rate ∝ batch_size ** k`` that fits best on logarithmic axes (least
    squares): 1 for the linear scaling rule, 1/2 for the square-root rule."""
    logs = torch.tensor(batch_sizes, dtype=torch.float64).log()
    logs, values = logs - logs.mean(), rates.log() - rates.log().mean()
    return ((logs * values).sum() / (logs * logs).sum()).item()


def line_batches(
    batch_sizes: Sequence[int], rates: torch.Tensor, seeds: torch.Tensor, epochs: int
) -> dict[str, torch.Tensor | float]:
    """The best rate against the batch size on the lesson's line (its first data set), where
    the curvature is known: for each batch size the ``best`` constant rate of ``rates`` and the
    first that ends above the start's loss (``blow_up``), by the mean over the ``seeds``'
    shuffles; beside them the line's ``fastest`` rate ``2/(L + μ)`` and its ``limit`` ``2/L``."""
    x, y = (t.double() for t in make_line_data(seed=0))
    args = (many.line_loss, many.line_start, x, y, (x, y), rates, seeds, epochs, batch_sizes)
    ends = by_batch(*args).mean(dim=2)  # (batch sizes, rates)
    start_loss = many.line_loss(many.line_start(), x, y)
    return {
        "best": rates[ends.argmin(dim=1)],
        "blow_up": rates[(ends > start_loss).int().argmax(dim=1)],
        "fastest": fastest_learning_rate(x),
        "limit": largest_stable_learning_rate(x),
    }
