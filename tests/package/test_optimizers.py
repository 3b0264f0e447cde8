"""The package's optimizers against PyTorch's own, step by step."""

from functools import partial

import numpy as np
import pytest
import torch
from torch import nn

from descent.data import make_line_data
from descent.fit import fit_gradient_descent, mse_gradient
from descent.loss import mse
from descent.optimizers import (
    adam,
    heavy_ball,
    momentum_limit,
    nesterov,
    step_without_no_grad,
    train_line,
)

START = (-1.0, 1.0)
STEPS = 50
x, y = make_line_data()


def line_loss(a):
    return mse(x @ a, y)


def bumpy_loss(a):
    """Not a quadratic: the optimizers must agree with torch's beyond the lesson's bowl."""
    return (torch.log(1 + (a - torch.tensor([2.0, -1.0])) ** 2) + 0.1 * torch.sin(3 * a)).sum()


def autograd_gradient_of(loss):
    def gradient(a):
        a = a.detach().requires_grad_()
        loss(a).backward()
        return a.grad

    return gradient


def torch_path(loss, make_optimizer, steps=STEPS):
    """The parameters before each step and after the last one, as ``torch.optim`` moves them."""
    a = nn.Parameter(torch.tensor(START))
    optimizer = make_optimizer([a])
    path = [a.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        loss(a).backward()
        optimizer.step()
        path.append(a.detach().clone())
    return torch.stack(path)


LOSSES = [line_loss, bumpy_loss]


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize(("lr", "momentum"), [(0.1, 0.9), (0.05, 0.5), (0.3, 0.0)])
def test_heavy_ball_takes_torchs_sgd_momentum_steps(loss, lr, momentum):
    ours = heavy_ball(autograd_gradient_of(loss), torch.tensor(START), lr, momentum, STEPS)
    theirs = torch_path(loss, partial(torch.optim.SGD, lr=lr, momentum=momentum))
    assert (ours - theirs).abs().max() < 1e-6


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize(("lr", "momentum"), [(0.1, 0.9), (0.05, 0.5)])
def test_nesterov_takes_torchs_nesterov_steps(loss, lr, momentum):
    ours = nesterov(autograd_gradient_of(loss), torch.tensor(START), lr, momentum, STEPS)
    make = partial(torch.optim.SGD, lr=lr, momentum=momentum, nesterov=True)
    assert (ours - torch_path(loss, make)).abs().max() < 1e-6


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize(
    ("lr", "betas", "eps"), [(0.1, (0.9, 0.999), 1e-8), (0.01, (0.8, 0.99), 1e-3)]
)
def test_adam_takes_torchs_adam_steps(loss, lr, betas, eps):
    ours = adam(autograd_gradient_of(loss), torch.tensor(START), lr, STEPS, betas, eps)
    theirs = torch_path(loss, partial(torch.optim.Adam, lr=lr, betas=betas, eps=eps))
    assert (ours - theirs).abs().max() < 1e-6


def test_the_methods_really_differ():
    """So that agreeing with torch is not agreeing with anything."""
    gradient = partial(mse_gradient, x, y)
    runs = [
        heavy_ball(gradient, torch.tensor(START), 0.1, 0.9, STEPS),
        nesterov(gradient, torch.tensor(START), 0.1, 0.9, STEPS),
        adam(gradient, torch.tensor(START), 0.1, STEPS),
        heavy_ball(gradient, torch.tensor(START), 0.1, 0.0, STEPS),
    ]
    for i, first in enumerate(runs):
        for second in runs[i + 1 :]:
            assert (first - second).abs().max() > 1e-2


def test_heavy_ball_without_momentum_is_gradient_descent():
    path = heavy_ball(partial(mse_gradient, x, y), torch.tensor(START), 0.1, 0.0, STEPS)
    expected = fit_gradient_descent(x, y, START, lr=0.1, steps=STEPS).params
    assert torch.allclose(path, expected, atol=1e-5)


@pytest.mark.parametrize("method", [partial(heavy_ball, momentum=0.9),
                                    partial(nesterov, momentum=0.9), adam])  # fmt: skip
def test_a_batch_of_rows_runs_each_row_on_its_own(method):
    def gradient(a):  # the MSE gradient of one row or of each row of a batch
        return (a @ x.T - y) @ x * 2 / len(x)

    lrs = torch.tensor([0.01, 0.1, 0.3])
    starts = torch.tensor([START, (0.0, 0.0), (2.0, -1.0)])
    batch = method(gradient, starts, lr=lrs[:, None], steps=20)
    for row, (start, lr) in enumerate(zip(starts, lrs, strict=True)):
        alone = method(gradient, start, lr=lr.item(), steps=20)
        assert torch.allclose(batch[:, row], alone, atol=1e-5)


def test_train_line_with_plain_sgd_is_gradient_descent():
    losses = train_line(x, y, partial(torch.optim.SGD, lr=0.1), steps=30)
    expected = fit_gradient_descent(x, y, START, lr=0.1, steps=30).losses
    assert torch.allclose(losses, expected, atol=1e-6)


def test_forgetting_zero_grad_is_momentum_that_never_fades():
    losses = train_line(x, y, partial(torch.optim.SGD, lr=0.1), steps=100, zero_grad=False)
    path = heavy_ball(partial(mse_gradient, x, y), torch.tensor(START), 0.1, 1.0, 100)
    assert torch.allclose(losses, torch.stack([mse(x @ a, y) for a in path[:-1]]), atol=1e-4)
    # It never settles: late losses still swing far above the minimum.
    assert losses[50:].max() > 10 * train_line(x, y, partial(torch.optim.SGD, lr=0.1), 100)[-1]


def test_an_update_without_no_grad_is_refused():
    with pytest.raises(RuntimeError, match="leaf"):
        step_without_no_grad(x, y, lr=0.1)


def spectral_radius(curvature, lr, momentum, look_ahead):
    """The largest |eigenvalue| of one step's matrix on (error, lr·velocity) along one direction."""
    h, b = lr * curvature, momentum
    heavy = [[1 - h, -b], [h, b]]  # v' = b v + λe;  e' = e - lr v'
    look = [[1 - h * (1 + b), -b * b], [h, b]]  # v' = b v + λe;  e' = e - lr (λe + b v')
    step = look if look_ahead else heavy
    return max(abs(np.linalg.eigvals(np.array(step))))


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("look_ahead", [False, True])
def test_momentum_limit_is_where_the_step_stops_shrinking(momentum, look_ahead):
    curvature = 2.5
    limit = momentum_limit(curvature, momentum, nesterov=look_ahead)
    assert spectral_radius(curvature, 0.99 * limit, momentum, look_ahead) < 1
    assert spectral_radius(curvature, 1.01 * limit, momentum, look_ahead) > 1


def test_momentum_limit_without_momentum_is_gradient_descents():
    assert momentum_limit(4.0, 0.0) == momentum_limit(4.0, 0.0, nesterov=True) == 0.5
