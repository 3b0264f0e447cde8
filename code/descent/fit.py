"""Fitting a line: the closed-form optimum, and gradient descent with autograd."""

from dataclasses import dataclass

import torch
from torch import nn

from descent.loss import mse


@dataclass(frozen=True)
class Fit:
    """The record of a run: ``params[t]`` before step ``t`` (and the final ones last), ``losses[t]``
    the loss at ``params[t]``."""

    params: torch.Tensor  # (steps + 1, 2)
    losses: torch.Tensor  # (steps,)

    @property
    def final(self) -> torch.Tensor:
        return self.params[-1]


def least_squares(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The parameters that minimise the MSE exactly, from ``torch.linalg.lstsq``."""
    return reproducible_lstsq(x, y.unsqueeze(1)).solution.squeeze(1)


def reproducible_lstsq(x: torch.Tensor, y: torch.Tensor) -> torch.return_types.linalg_lstsq:
    """``torch.linalg.lstsq`` with the same digits on every run."""
    # The default CPU driver reads memory it never wrote: its last digits vary between runs.
    # See https://github.com/pytorch/pytorch/issues/71222
    # "gels" (QR) suits an x of full rank, as ours is, and gives the same bits every time.
    return torch.linalg.lstsq(x, y, driver="gels")


def mse_gradient(x: torch.Tensor, y: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """The gradient of the MSE with respect to ``a``, by the formula ``(2/n) xᵀ(xa - y)``."""
    return 2 / len(x) * x.T @ (x @ a - y)


def autograd_gradient(x: torch.Tensor, y: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """The same gradient, found by autograd instead of by hand."""
    a = nn.Parameter(a.clone())
    mse(x @ a, y).backward()
    return a.grad


def gradient_descent_step(a: nn.Parameter, x: torch.Tensor, y: torch.Tensor, lr: float) -> float:
    """One step: compute the loss, let autograd find its gradient, step against it."""
    loss = mse(x @ a, y)
    loss.backward()  # fills a.grad with d(loss)/d(a)
    with torch.no_grad():  # the update itself must not be recorded for autograd
        a -= lr * a.grad
        a.grad.zero_()  # backward() adds to .grad, so clear it for the next step
    return loss.item()


def fit_gradient_descent(
    x: torch.Tensor, y: torch.Tensor, start: tuple[float, float], lr: float, steps: int
) -> Fit:
    """Run ``steps`` steps of full-batch gradient descent from ``start``."""
    a = nn.Parameter(torch.tensor(start))
    params, losses = [a.detach().clone()], []
    for _ in range(steps):
        losses.append(gradient_descent_step(a, x, y, lr))
        params.append(a.detach().clone())
    return Fit(torch.stack(params), torch.tensor(losses))


def largest_stable_learning_rate(x: torch.Tensor) -> float:
    """Gradient descent on the MSE converges for learning rates below this value.

    The MSE is quadratic with Hessian ``H = (2/n) xᵀx``; a step multiplies the error along an
    eigenvector of ``H`` by ``1 - lr·λ``, which shrinks only while ``lr < 2/λ`` for every λ.
    """
    hessian = 2 / len(x) * x.T @ x
    return 2 / torch.linalg.eigvalsh(hessian).max().item()


def steps_to_reach(
    x: torch.Tensor,
    y: torch.Tensor,
    start: tuple[float, float],
    lr: float,
    tol: float = 1e-3,
    max_steps: int = 10_000,
) -> int:
    """How many steps gradient descent needs to come within ``tol`` of the least-squares optimum.

    Returns ``max_steps`` when it never gets there (too small or too large a learning rate).
    """
    target = least_squares(x, y)
    a = nn.Parameter(torch.tensor(start))
    for step in range(max_steps):
        if torch.dist(a.detach(), target) < tol:
            return step
        gradient_descent_step(a, x, y, lr)
    return max_steps


def fastest_learning_rate(x: torch.Tensor) -> float:
    """The learning rate ``2 / (λmin + λmax)`` that shrinks the slowest error fastest.

    A step scales the error along each eigenvector of the Hessian by ``1 - lr·λ``; this choice
    makes the worst factor, at λmin and at λmax, as small as it can be.
    """
    eigenvalues = torch.linalg.eigvalsh(2 / len(x) * x.T @ x)
    return 2 / (eigenvalues.min() + eigenvalues.max()).item()
