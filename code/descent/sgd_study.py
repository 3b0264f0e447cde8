"""Full batch against minibatches, measured fairly: many seeds, tuned learning rates, and work
counted in examples seen.

Seed ``s`` draws its own data set (``make_line_data(n, seed=s)``) and its own shuffles, so a
result holds for data like the lesson's, not for one lucky draw. The runs of every seed and every
learning rate advance together as one tensor, which keeps thousands of steps fast.
"""

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import torch

from descent.data import NOISE_VARIANCE, make_line_data
from descent.minibatch import learning_rate_at

LEARNING_RATES = tuple(2 ** (-k / 2) for k in range(-2, 23))  # 2 down to about 0.0005, √2 apart


def minibatch_spread_ratio(n: int, batch_size: int) -> float:
    """How many times narrower the gradients of minibatches scatter than single examples'.

    A shuffle draws a batch's ``b`` examples out of ``n`` without replacement, never one twice.
    The variance of their mean is then the examples' variance (over all ``n``) divided by ``b``
    and multiplied by ``(n - b) / (n - 1)``, so the spread (the standard deviation) shrinks by
    ``sqrt(b (n - 1) / (n - b))``, a little more than ``sqrt(b)``. A batch of all the examples
    does not scatter at all: the ratio is infinite.
    """
    if batch_size == n:
        return math.inf
    return math.sqrt(batch_size * (n - 1) / (n - batch_size))


def line_data_sets(n: int, seeds: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """One data set of ``n`` points per seed, stacked: ``(S, n, 2)`` inputs, ``(S, n)`` targets."""
    pairs = [make_line_data(n, seed=seed) for seed in seeds]
    return torch.stack([x for x, _ in pairs]), torch.stack([y for _, y in pairs])


def optima(xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
    """The least-squares parameters of each data set, ``(S, 2)``, from the normal equations
    ``xᵀx a = xᵀy`` (solved in double precision)."""
    gram, moment = xs.mT @ xs, xs.mT @ ys[..., None]
    return torch.linalg.solve(gram.double(), moment.double())[..., 0].float()


def hessians(xs: torch.Tensor) -> torch.Tensor:
    """The Hessian ``(2/n) xᵀx`` of the MSE of each data set: ``(S, 2, 2)``."""
    return 2 / xs.shape[1] * xs.mT @ xs


def full_batch_rates(xs: torch.Tensor) -> torch.Tensor:
    """Each data set's fastest full-batch learning rate, ``2 / (λmin + λmax)`` of its Hessian."""
    eigenvalues = torch.linalg.eigvalsh(hessians(xs))  # ascending, (S, 2)
    return 2 / (eigenvalues[:, 0] + eigenvalues[:, -1])


def excess_loss(xs: torch.Tensor, ys: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """The full-data loss above its minimum, ``L(a) - L(a*)``, for parameters ``(..., S, T, 2)``.

    The MSE is quadratic, so this is exactly ``½ (a - a*)ᵀ H (a - a*)``: no pass over the data.
    """
    error = params - optima(xs, ys)[:, None, :]  # (..., S, T, 2)
    return 0.5 * ((error @ hessians(xs)) * error).sum(dim=-1)


def distance_to_optimum(xs: torch.Tensor, ys: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """How far parameters ``(..., S, T, 2)`` are from their data set's optimum: ``(..., S, T)``."""
    return (params - optima(xs, ys)[:, None, :]).norm(dim=-1)


def sgd_paths(
    xs: torch.Tensor,
    ys: torch.Tensor,
    seeds: Sequence[int],
    start: tuple[float, float],
    lrs: Sequence[float],
    batch_size: int,
    steps: int,
    decay_steps: float | None = None,
) -> torch.Tensor:
    """Minibatch SGD for every learning rate and every data set at once.

    Returns the parameters before each step and after the last, ``(L, S, steps + 1, 2)``. Seed
    ``s`` shuffles as ``fit_minibatch_sgd(..., seed=s)`` does, so each run is that function's
    run, computed with the gradient formula instead of autograd.
    """
    lr = torch.tensor(lrs)  # (L,); learning_rate_at works on all of them at once
    a = torch.tensor(start)[None, :, None].repeat(len(xs), 1, len(lrs))  # (S, 2, L) for bmm
    records = [a]
    batches = _minibatches(xs, ys, seeds, batch_size)
    with _one_thread():
        for step, (x, y) in zip(range(steps), batches, strict=False):
            # (2/b) xᵀ(xa - y) as (2/b)(xᵀx a - xᵀy): the batch enters through (S, 2, 2) and
            # (S, 2, 1) products, whatever the number L of learning rates.
            gradient = (x.mT @ x) @ a - x.mT @ y  # (S, 2, L)
            a = a - learning_rate_at(step, lr, decay_steps) * (2 / x.shape[1]) * gradient
            records.append(a)
    return torch.stack(records).permute(3, 1, 0, 2)  # (T, S, 2, L) -> (L, S, T, 2)


def full_batch_paths(
    xs: torch.Tensor, ys: torch.Tensor, start: tuple[float, float], steps: int
) -> torch.Tensor:
    """Full-batch gradient descent on every data set at its fastest rate: ``(S, steps + 1, 2)``."""
    lr = full_batch_rates(xs)[:, None, None]  # (S, 1, 1)
    a = torch.tensor(start)[None, :, None].repeat(len(xs), 1, 1)  # (S, 2, 1)
    records = [a.clone()]
    for _ in range(steps):
        a = a - lr * 2 / xs.shape[1] * xs.mT @ (xs @ a - ys[..., None])
        records.append(a)
    return torch.stack(records, dim=1)[..., 0]


def best_rate_index(losses: torch.Tensor) -> int:
    """The row (learning rate) of ``(L, S)`` losses with the smallest median over the seeds.

    A run that diverged (an infinite or NaN loss) counts as worse than any finite one.
    """
    worst = torch.finfo(losses.dtype).max
    finite = torch.where(losses.isfinite(), losses, worst)
    return finite.quantile(0.5, dim=1).argmin().item()


def tuned_sgd(
    xs: torch.Tensor,
    ys: torch.Tensor,
    seeds: Sequence[int],
    start: tuple[float, float],
    batch_size: int,
    steps: int,
    decay_steps: float | None = None,
    measure: Callable[..., torch.Tensor] = excess_loss,
) -> tuple[float, torch.Tensor]:
    """Minibatch SGD at its best rate of ``LEARNING_RATES``: the one whose runs end with the
    smallest median ``measure`` over the seeds (``excess_loss`` or ``distance_to_optimum``).

    Returns that rate and the ``measure`` of its runs at every step, ``(S, steps + 1)``.
    """
    paths = sgd_paths(xs, ys, seeds, start, LEARNING_RATES, batch_size, steps, decay_steps)
    runs = measure(xs, ys, paths)  # (L, S, steps + 1)
    best = best_rate_index(runs[:, :, -1])
    return LEARNING_RATES[best], runs[best]


def tuned_sgd_by_budget(
    xs: torch.Tensor,
    ys: torch.Tensor,
    seeds: Sequence[int],
    start: tuple[float, float],
    batch_size: int,
    budgets: Sequence[int],
    decay_steps: float | None = None,
    measure: Callable[..., torch.Tensor] = excess_loss,
    held_out: int = 0,
) -> tuple[list[float], torch.Tensor]:
    """Minibatch SGD tuned for each budget of steps in ``budgets``: for each budget, the rate of
    ``LEARNING_RATES`` whose runs end it with the smallest median ``measure``, and the
    ``measure`` of those runs there, ``(B, S)``.

    With ``held_out`` > 0 the rate is chosen on the other seeds and only the last ``held_out``
    are scored, ``(B, held_out)``: a rate tuned on the seeds it is scored on flatters it.
    A rate, constant or decaying, depends only on the step, so a run tuned for a short budget is
    the start of a longer run at the same rate: one set of paths serves every budget.
    """
    paths = sgd_paths(xs, ys, seeds, start, LEARNING_RATES, batch_size, max(budgets), decay_steps)
    runs = measure(xs, ys, paths)  # (L, S, T)
    tuning = runs[:, : len(seeds) - held_out]
    scored = runs[:, len(seeds) - held_out :] if held_out else runs
    best = [best_rate_index(tuning[:, :, budget]) for budget in budgets]
    ends = [scored[i, :, budget] for i, budget in zip(best, budgets, strict=True)]
    return [LEARNING_RATES[i] for i in best], torch.stack(ends)


def statistical_floor(n: int, params: int = 2, noise_variance: float = NOISE_VARIANCE) -> float:
    """``σ²p/n``: how far, in loss, the least-squares line of ``n`` noisy points lies on average
    from the true line (its excess loss on new data from the same line and noise), for ``n``
    well above ``p``. An optimizer whose excess loss is below it is more precise than the data
    can confirm."""
    return noise_variance * params / n


def budgets_ahead(medians: torch.Tensor, baseline: torch.Tensor) -> int:
    """For how many budgets, from the first, ``medians`` is below ``baseline``: ``k`` when it is
    ahead on the first ``k`` budgets and behind on the rest. A lead that changes hands more than
    once is no verdict of this form: an error."""
    ahead = medians < baseline
    k = int(ahead.sum())
    if not ahead[:k].all():
        raise ValueError(f"the lead changes hands more than once: {ahead.tolist()}")
    return k


def first_budget_below(medians: torch.Tensor, level: float) -> int:
    """The first budget, counted from 1, whose median is below ``level``."""
    below = (medians < level).nonzero()
    if len(below) == 0:
        raise ValueError(f"no budget gets below {level}")
    return int(below[0]) + 1


def quartiles(values: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """The first quartile, the median and the third quartile along ``dim``, stacked first."""
    return torch.quantile(values, torch.tensor([0.25, 0.5, 0.75]), dim=dim)


def named_quartiles(name: str, values: torch.Tensor) -> dict[str, float]:
    """``{name}_q1``, ``{name}_median`` and ``{name}_q3`` of ``values``, by name, for the text."""
    stats = quartiles(values).tolist()
    names = (f"{name}_q1", f"{name}_median", f"{name}_q3")
    return dict(zip(names, stats, strict=True))


def _minibatches(
    xs: torch.Tensor, ys: torch.Tensor, seeds: Sequence[int], batch_size: int
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Endless minibatches ``(S, b, 2)`` and ``(S, b, 1)``, every data set reshuffled each epoch
    with the shuffles of ``minibatch_indices``. Only the batches a run reaches are gathered."""
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]
    rows = torch.arange(len(xs))[:, None]
    while True:
        order = torch.stack([torch.randperm(ys.shape[1], generator=g) for g in generators])
        for begin in range(0, ys.shape[1], batch_size):
            batch = order[:, begin : begin + batch_size]  # (S, b), sliced only when reached
            yield xs[rows, batch], ys[rows, batch, None]


@contextmanager
def _one_thread():
    """Run torch on one thread: for matrices this small, waking a second one costs more."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
