"""Stochastic gradient descent: each step looks at a small random batch of the data."""

import math

import torch
from torch import nn

from descent.fit import Fit, gradient_descent_step, mse_gradient


def minibatch_indices(n: int, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    """One epoch: the indices ``0..n-1`` shuffled, cut into batches of ``batch_size``.

    The last batch is smaller when ``batch_size`` does not divide ``n``.
    """
    return list(torch.randperm(n, generator=generator).split(batch_size))


def fit_minibatch_sgd(
    x: torch.Tensor,
    y: torch.Tensor,
    start: tuple[float, float],
    lr: float,
    batch_size: int,
    epochs: int,
    seed: int = 0,
    decay_steps: float | None = None,
) -> Fit:
    """Run ``epochs`` passes over the data, one gradient step per minibatch.

    ``losses[t]`` is the loss on the minibatch of step ``t``, so it is noisy. With
    ``decay_steps``, the learning rate decays as :func:`learning_rate_at` says.
    """
    generator = torch.Generator().manual_seed(seed)  # the same shuffles on every run
    a = nn.Parameter(torch.tensor(start))
    params, losses = [a.detach().clone()], []
    for _ in range(epochs):
        for batch in minibatch_indices(len(x), batch_size, generator):
            step_lr = learning_rate_at(len(losses), lr, decay_steps)
            losses.append(gradient_descent_step(a, x[batch], y[batch], step_lr))
            params.append(a.detach().clone())
    return Fit(torch.stack(params), torch.tensor(losses))


def learning_rate_at(step: int, lr: float, decay_steps: float | None = None) -> float:
    """The learning rate of step ``step``: ``lr``, or with decay ``lr / (1 + step / decay_steps)``.

    The decayed rate halves after ``decay_steps`` steps and keeps falling, slowly enough that the
    steps still add up to any distance.
    """
    if decay_steps is None:
        return lr
    return lr / (1 + step / decay_steps)


def minibatch_gradients(
    x: torch.Tensor,
    y: torch.Tensor,
    a: torch.Tensor,
    batch_size: int,
    epochs: int,
    generator: torch.Generator,
) -> torch.Tensor:
    """The gradient of the MSE at ``a`` on every minibatch of ``epochs`` shuffled passes."""
    return torch.stack(
        [
            mse_gradient(x[batch], y[batch], a)
            for _ in range(epochs)
            for batch in minibatch_indices(len(x), batch_size, generator)
        ]
    )


def steps_per_epoch(n: int, batch_size: int) -> int:
    """The number of minibatches, hence of steps, in one pass over ``n`` samples."""
    return math.ceil(n / batch_size)


def max_param_gap(first: Fit, second: Fit) -> float:
    """The largest difference between the parameters of two runs, over every step."""
    return (first.params - second.params).abs().max().item()
