"""Many trainings at once: one model, ``K`` copies (chains), each with its own start, learning
rate and shuffle, trained in one vectorized pass.

Tuning a learning rate honestly means training for every rate, over several seeds, and a loop
over them would take minutes; stacking the chains along a first dimension and taking every
chain's gradient with one ``torch.func.vmap`` call takes seconds. The model is any ``loss(p, x,
y)`` whose parameters ``p`` are a tuple of tensors (the network's :class:`~descent.network.Params`,
or ``(a,)`` for the line).

The update rules follow PyTorch's (``torch.optim.SGD``, ``Adagrad``, ``RMSprop``, ``Adam``,
``AdamW``, with their default constants), each written for one tensor and its own ``state``;
the tests check that they take the same steps as ``torch.optim``.
"""

import math
from collections.abc import Callable, Sequence

import torch
from torch.func import grad_and_value, vmap

from descent.data import make_line_data
from descent.fit import fastest_learning_rate, largest_stable_learning_rate
from descent.lesson import START
from descent.loss import mse

Update = Callable[..., torch.Tensor]  # (p, g, lr, state, t) -> the new p


def sgd(p, g, lr, state, t):
    return p - lr * g


def momentum(p, g, lr, state, t, beta=0.9):
    state["velocity"] = beta * state.get("velocity", 0) + g
    return p - lr * state["velocity"]


def adagrad(p, g, lr, state, t, eps=1e-10):
    state["total"] = state.get("total", 0) + g**2  # every gradient ever seen: the step only shrinks
    return p - lr * g / (state["total"].sqrt() + eps)


def rmsprop(p, g, lr, state, t, beta=0.99, eps=1e-8):
    state["square"] = beta * state.get("square", 0) + (1 - beta) * g**2  # recent gradients only
    return p - lr * g / (state["square"].sqrt() + eps)


def adam(p, g, lr, state, t, betas=(0.9, 0.999), eps=1e-8):
    state["mean"] = betas[0] * state.get("mean", 0) + (1 - betas[0]) * g  # RMSProp, plus momentum
    state["square"] = betas[1] * state.get("square", 0) + (1 - betas[1]) * g**2
    mean_hat = state["mean"] / (1 - betas[0] ** t)  # both start at zero: undo that pull
    square_hat = state["square"] / (1 - betas[1] ** t)
    return p - lr * mean_hat / (square_hat.sqrt() + eps)


def adamw(p, g, lr, state, t, decay=0.01):
    """Adam, and the weights shrink by ``lr·decay`` of themselves, outside the division."""
    return adam(p * (1 - lr * chain_view(decay, p)), g, lr, state, t)


def chain_view(value, like: torch.Tensor):
    """A per-chain value ``(K,)`` shaped to broadcast over a stacked tensor; a number as is."""
    if isinstance(value, torch.Tensor):
        return value.view(-1, *[1] * (like.dim() - 1))
    return value


def stack(params: Sequence[tuple]) -> tuple:
    """``K`` parameter tuples as one, each tensor with a first dimension of ``K``."""
    fields = [torch.stack(tensors) for tensors in zip(*params, strict=True)]
    return rebuild(params[0], fields)


def rebuild(like: tuple, fields: Sequence[torch.Tensor]) -> tuple:
    return type(like)(*fields) if hasattr(like, "_fields") else tuple(fields)


def constant(t: int, total: int) -> float:
    return 1.0


def train_many(
    loss: Callable,
    starts: tuple,
    x: torch.Tensor,
    y: torch.Tensor,
    rates: torch.Tensor,
    epochs: int,
    batch_size: int,
    seeds: torch.Tensor,
    update: Update = sgd,
    schedule: Callable[[int, int], float] = constant,
    l2=0.0,
    watch: dict[str, tuple[torch.Tensor, torch.Tensor]] | None = None,
) -> tuple[tuple, torch.Tensor, dict[str, torch.Tensor]]:
    """Minibatch training of ``K`` chains: ``starts``, ``rates`` ``(K,)`` and ``seeds`` ``(K,)``
    (chains with one seed see the same shuffles). Step ``t`` of ``T`` uses ``rates ·
    schedule(t, T)``; ``l2`` adds ``l2·p`` to each gradient (the penalty ``l2/2·‖p‖²``).

    Returns the parameters at the end, the minibatch loss of every step ``(K, T)`` and, for each
    set in ``watch``, its loss before training and after each epoch ``(K, epochs + 1)``; a chain
    that blew up has ``inf`` losses.
    """
    step = vmap(grad_and_value(loss))
    whole = vmap(loss, in_dims=(0, None, None))
    watch = watch or {}
    watched = {name: [whole(starts, *xy)] for name, xy in watch.items()}
    generators = {int(s): torch.Generator().manual_seed(int(s)) for s in seeds.unique()}
    total = epochs * math.ceil(len(x) / batch_size)
    p, states, losses, t = starts, [{} for _ in starts], [], 0
    for _ in range(epochs):
        shuffles = {s: torch.randperm(len(x), generator=g) for s, g in generators.items()}
        orders = torch.stack([shuffles[int(s)] for s in seeds])  # (K, n)
        for batch in orders.split(batch_size, dim=1):
            t += 1
            gradients, values = step(p, x[batch], y[batch])
            lr = rates * schedule(t, total)
            p = rebuild(
                p,
                [
                    update(w, g + chain_view(l2, w) * w, chain_view(lr, w), state, t)
                    for w, g, state in zip(p, gradients, states, strict=True)
                ],
            )
            losses.append(values)
        for name, xy in watch.items():
            watched[name].append(whole(p, *xy))
    finite = {
        name: torch.stack(v, dim=1).nan_to_num(nan=math.inf, posinf=math.inf)
        for name, v in watched.items()
    }
    return p, torch.stack(losses, dim=1).nan_to_num(nan=math.inf, posinf=math.inf), finite


def grid_search(
    loss, start, x, y, rates, seeds, epochs, batch_size, watch, **options
) -> dict[str, torch.Tensor]:
    """Train from ``start(seed)`` at every rate of ``rates`` ``(R,)`` with every seed of
    ``seeds`` ``(S,)``, all in one pass; ``options`` go to :func:`train_many`. Returns each
    watched set's loss before training and after each epoch, ``(R, S, epochs + 1)``."""
    chains = seeds.repeat(len(rates))
    starts = stack([start(int(seed)) for seed in chains])
    _, _, seen = train_many(
        loss, starts, x, y, rates.repeat_interleave(len(seeds)), epochs, batch_size, chains,
        watch=watch, **options,
    )  # fmt: skip
    return {name: losses.view(len(rates), len(seeds), -1) for name, losses in seen.items()}


def tuned_losses(seen: dict[str, torch.Tensor], name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """For every budget, the losses on ``name`` over the seeds at the rate whose mean on that
    same set is lowest after that many epochs ``(S, epochs + 1)``, and those rates' indices
    ``(epochs + 1,)``: a race of optimizers, each tuned for each budget."""
    losses = seen[name]  # (R, S, epochs + 1)
    best = losses.mean(dim=1).argmin(dim=0)
    return losses[best, :, torch.arange(len(best))].T, best


def ahead(first: torch.Tensor, second: torch.Tensor) -> int:
    """Which of two sets of per-seed losses is lower, beyond the seeds' noise: 1 if ``first``'s
    mean is lower by more than two standard errors of the difference, -1 if higher, 0 if not."""
    difference = second.mean() - first.mean()
    error = (first.var() / len(first) + second.var() / len(second)).sqrt()
    return int(difference.sign()) if difference.abs() > 2 * error else 0


def verdicts(first: torch.Tensor, second: torch.Tensor) -> list[int]:
    """:func:`ahead` at every budget after the start, for losses ``(S, epochs + 1)``."""
    return [ahead(first[:, b], second[:, b]) for b in range(1, first.shape[1])]


def exponential(low: float, high: float) -> Callable[[int, int], float]:
    """The range test's schedule: with a base rate of ``low``, the rate grows by the same factor
    each step, from ``low`` at the first step to ``high`` at the last."""
    return lambda t, total: (high / low) ** ((t - 1) / (total - 1))


def smoothed(losses: torch.Tensor, beta: float = 0.9) -> torch.Tensor:
    """Each row's running mean, weighting the last step by ``1 − beta``, with Adam's correction
    of the pull towards the zero it starts from."""
    mean, out = torch.zeros(len(losses), dtype=losses.dtype), []
    for t, column in enumerate(losses.T, start=1):
        mean = beta * mean + (1 - beta) * column
        out.append(mean / (1 - beta**t))
    return torch.stack(out, dim=1)


def range_test(loss, starts, x, y, low, high, epochs, batch_size, seeds):
    """The learning-rate range test: ``epochs`` of minibatch SGD whose rate grows from ``low``
    to ``high``. Returns the rate of each step ``(T,)`` and each chain's smoothed minibatch
    loss ``(K, T)``."""
    base = torch.full((len(seeds),), low, dtype=torch.float64)
    schedule = exponential(low, high)
    _, losses, _ = train_many(
        loss, starts, x, y, base, epochs, batch_size, seeds, schedule=schedule
    )
    steps = torch.arange(losses.shape[1])
    return low * (high / low) ** (steps / steps[-1]), smoothed(losses)


def readings(rates: torch.Tensor, curves: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The two rules of thumb, for each curve: a tenth of the rate where it is lowest, and the
    rate, before that, where it falls fastest against the logarithm of the rate."""
    lowest = curves.argmin(dim=1)
    slopes = curves.diff(dim=1) / rates.log().diff()
    steepest = torch.stack(
        [slope[:end].argmin() for slope, end in zip(slopes, lowest, strict=True)]
    )
    return rates[lowest] / 10, rates[steepest]


def line_loss(p: tuple[torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The lesson's line as a model for :func:`train_many`: its parameters are ``(a,)``."""
    return mse(x @ p[0], y)


def line_start(seed: int = 0) -> tuple[torch.Tensor]:
    """The lesson's start, the same for every seed (on the line a seed only shuffles)."""
    return (torch.tensor(START, dtype=torch.float64),)


def line_range_tests(
    seeds: Sequence[int], low: float, high: float, steps: int, budget: int, grid: torch.Tensor
) -> dict[str, torch.Tensor]:
    """The range test on the lesson's line, against what its curvature says. For each data set
    (one per seed): a full-batch sweep of ``steps`` from the lesson's start, its two readings
    (``tenth``, ``steep``), the ``grid``'s best rate after ``budget`` full-batch steps, the
    limit ``2/L`` and the fastest rate ``2/(L + μ)``; and the sweep's ``rates`` and ``curves``."""

    found = {key: [] for key in ("tenth", "steep", "best", "limit", "fastest", "curves")}
    for seed in seeds:
        x, y = (t.double() for t in make_line_data(seed=seed))
        start = line_start()
        shuffles = torch.zeros(1, dtype=torch.long)  # one full batch: nothing to shuffle
        rates, curve = range_test(
            line_loss, stack([start]), x, y, low, high, steps, len(x), shuffles
        )
        tenth, steep = readings(rates, curve)
        _, _, ends = train_many(
            line_loss, stack([start] * len(grid)), x, y, grid, budget, len(x),
            shuffles.repeat(len(grid)), watch={"all": (x, y)},
        )  # fmt: skip
        found["tenth"].append(tenth[0])
        found["steep"].append(steep[0])
        found["best"].append(grid[ends["all"][:, -1].argmin()])
        found["limit"].append(torch.tensor(largest_stable_learning_rate(x)))
        found["fastest"].append(torch.tensor(fastest_learning_rate(x)))
        found["curves"].append(curve[0])
    return {"rates": rates} | {key: torch.stack(values) for key, values in found.items()}
