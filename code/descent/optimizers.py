"""Momentum and Adam, written out: each takes a ``gradient`` function and returns the path.

They follow PyTorch's conventions, so that ``torch.optim.SGD(momentum=…, nesterov=…)`` and
``torch.optim.Adam`` take exactly the same steps (the tests check it).
"""

from collections.abc import Callable

import torch
from torch import nn

from descent.loss import mse

Gradient = Callable[[torch.Tensor], torch.Tensor]


def heavy_ball(
    gradient: Gradient, start: torch.Tensor, lr: float, momentum: float, steps: int
) -> torch.Tensor:
    """Polyak's heavy ball: the step follows a velocity that remembers past gradients.

    With ``momentum=0`` it is plain gradient descent. Returns the ``steps + 1`` parameters.
    """
    params, velocity = start.clone(), torch.zeros_like(start)
    path = [params]
    for _ in range(steps):
        velocity = momentum * velocity + gradient(params)
        params = params - lr * velocity
        path.append(params)
    return torch.stack(path)


def nesterov(
    gradient: Gradient, start: torch.Tensor, lr: float, momentum: float, steps: int
) -> torch.Tensor:
    """Nesterov's momentum: the step looks ahead, along the velocity it is about to take."""
    params, velocity = start.clone(), torch.zeros_like(start)
    path = [params]
    for _ in range(steps):
        g = gradient(params)
        velocity = momentum * velocity + g
        params = params - lr * (g + momentum * velocity)
        path.append(params)
    return torch.stack(path)


def adam(
    gradient: Gradient,
    start: torch.Tensor,
    lr: float,
    steps: int,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> torch.Tensor:
    """Adam: momentum, divided by a running size of the gradient, for each parameter on its own."""
    params = start.clone()
    mean, square = torch.zeros_like(start), torch.zeros_like(start)
    path = [params]
    for t in range(1, steps + 1):
        g = gradient(params)
        mean = betas[0] * mean + (1 - betas[0]) * g  # a running mean of the gradient
        square = betas[1] * square + (1 - betas[1]) * g**2  # and of its square
        # Both start at zero; dividing by 1 - beta**t removes that pull towards zero.
        mean_hat, square_hat = mean / (1 - betas[0] ** t), square / (1 - betas[1] ** t)
        params = params - lr * mean_hat / (square_hat.sqrt() + eps)
        path.append(params)
    return torch.stack(path)


def train_line(
    x: torch.Tensor,
    y: torch.Tensor,
    make_optimizer: Callable[[list[nn.Parameter]], torch.optim.Optimizer],
    steps: int,
    start: tuple[float, float] = (-1.0, 1.0),
    zero_grad: bool = True,
) -> torch.Tensor:
    """Fit the line with a ``torch.optim`` optimizer; returns the loss before each step.

    ``zero_grad=False`` leaves out ``optimizer.zero_grad()``, for an exercise.
    """
    a = nn.Parameter(torch.tensor(start))
    optimizer = make_optimizer([a])
    losses = []
    for _ in range(steps):
        if zero_grad:
            optimizer.zero_grad()  # backward() adds to .grad: clear the last step's gradient
        loss = mse(x @ a, y)
        loss.backward()  # a.grad = d(loss)/d(a)
        optimizer.step()  # move a, using a.grad
        losses.append(loss.item())
    return torch.tensor(losses)


def step_without_no_grad(x: torch.Tensor, y: torch.Tensor, lr: float) -> None:
    """One step of gradient descent with ``torch.no_grad()`` forgotten: autograd refuses it."""
    a = nn.Parameter(torch.tensor([-1.0, 1.0]))
    mse(x @ a, y).backward()
    a -= lr * a.grad  # RuntimeError: a leaf that requires grad, changed in place


def momentum_limit(curvature: float, momentum: float, nesterov: bool = False) -> float:
    """The largest stable learning rate on a bowl whose largest curvature is ``curvature``.

    Along a direction of curvature λ the heavy ball's error follows
    ``e[t+1] = (1 + β - lr·λ)·e[t] - β·e[t-1]`` (β = ``momentum``), which dies out while
    ``lr·λ < 2(1 + β)``; Nesterov's, while ``lr·λ < 2(1 + β)/(1 + 2β)``. With β = 0 both give
    gradient descent's ``2/λ``.
    """
    beta = momentum
    limit = 2 * (1 + beta) / (1 + 2 * beta) if nesterov else 2 * (1 + beta)
    return limit / curvature
