from functools import partial

import numpy as np
import pytest
import torch

from descent.comparison import (
    bowl_gradient,
    excess_loss,
    largest_gap_to_torch,
    largest_stable_lr,
    losses_along,
    polyak_parameters,
    race,
    stability_limits,
    steps_below,
    steps_by_tolerance,
    tuned_run,
)
from descent.conditioning import condition_number, scale_input, stretch_input
from descent.data import make_line_data
from descent.fit import least_squares, mse_gradient
from descent.loss import mse
from descent.optimizers import adam, heavy_ball, momentum_limit, nesterov

START = (-1.0, 1.0)
x, y = make_line_data()
x64, y64 = x.double(), y.double()
GRADIENT_DESCENT = partial(heavy_ball, momentum=0.0)


def test_bowl_gradient_is_the_mse_gradient_for_a_row_and_for_a_batch():
    gradient = bowl_gradient(x, y)
    batch = torch.tensor([[-1.0, 1.0], [3.0, 2.0], [0.5, -4.0]], dtype=torch.float64)
    for a in batch:
        assert torch.allclose(gradient(a), mse_gradient(x64, y64, a), atol=1e-5)
    expected = torch.stack([mse_gradient(x64, y64, a) for a in batch])
    assert torch.allclose(gradient(batch), expected, atol=1e-5)


def test_excess_loss_is_the_loss_minus_its_minimum():
    minimum = mse(x64 @ least_squares(x64, y64), y64)
    points = torch.tensor([[-1.0, 1.0], [3.0, 2.0], [0.0, 0.0]])
    expected = torch.stack([mse(x64 @ a.double(), y64) - minimum for a in points])
    assert torch.allclose(excess_loss(x, y, points), expected, atol=1e-6)
    assert losses_along(x64, y64, points.double()).sub(minimum).allclose(expected, atol=1e-6)


def test_steps_below_counts_the_first_step_after_which_it_stays_below():
    excess = torch.tensor(
        [
            [5.0, 5.0, 5.0, 5.0],
            [0.5, 0.5, 2.0, 5.0],
            [2.0, 0.5, 0.5, float("nan")],
            [0.5, 0.5, 0.5, 5.0],
        ]
    )
    assert steps_below(excess, tol=1.0).tolist() == [3, 1, 2, 4]


def test_tuned_run_picks_the_fastest_learning_rate_of_the_grid():
    lrs = torch.tensor([0.05, 0.2, 0.5, 0.9, 1.2])
    lr, momentum, path, steps = tuned_run(GRADIENT_DESCENT, x, y, START, lrs, 300, 1e-6)
    assert momentum is None
    counts = {}
    for candidate in lrs.tolist():  # one run per learning rate, counted by hand
        alone = heavy_ball(bowl_gradient(x, y), torch.tensor(START, dtype=torch.float64),
                           candidate, 0.0, 300)  # fmt: skip
        below = (excess_loss(x, y, alone) < 1e-6).tolist()
        counts[candidate] = next((t for t in range(301) if all(below[t:])), 301)
    assert steps == min(counts.values()) and counts[lr] == steps
    assert path.shape == (301, 2) and excess_loss(x, y, path[steps]) < 1e-6


def test_tuned_run_tunes_the_momentum_too():
    lrs, momenta = torch.tensor([0.2, 0.5, 0.8]), torch.tensor([0.0, 0.1, 0.5, 0.9])
    best = tuned_run(heavy_ball, x, y, START, lrs, 300, 1e-6, momenta)
    counts = {}
    for lr in lrs.tolist():  # one run per pair, counted by hand
        for beta in momenta.tolist():
            alone = heavy_ball(bowl_gradient(x, y), torch.tensor(START, dtype=torch.float64),
                               lr, beta, 300)  # fmt: skip
            below = (excess_loss(x, y, alone) < 1e-6).tolist()
            counts[lr, beta] = next((t for t in range(301) if all(below[t:])), 301)
    assert best.steps == min(counts.values())
    chosen = min(counts, key=lambda pair: abs(pair[0] - best.lr) + abs(pair[1] - best.momentum))
    assert counts[chosen] == best.steps
    assert best.momentum > 0  # on this bowl some momentum beats gradient descent
    assert best.steps < min(steps for (_, beta), steps in counts.items() if beta == 0.0)


def test_race_runs_every_method_and_tunes_the_momentum_it_is_given():
    methods = {"gd": GRADIENT_DESCENT, "hb": heavy_ball, "adam": adam}
    momenta = {"hb": torch.tensor([0.0, 0.5])}
    result = race(methods, x, y, START, torch.tensor([0.1, 0.5]), 100, 1e-6, momenta)
    assert list(result) == ["gd", "hb", "adam"]
    assert all(run.path.shape == (101, 2) for run in result.values())
    assert result["gd"].momentum is None and result["adam"].momentum is None
    assert result["hb"].momentum in (0.0, 0.5)


def test_steps_by_tolerance_is_each_tolerance_raced_on_its_own():
    lrs, momenta, tols = torch.tensor([0.05, 0.2, 0.5]), torch.tensor([0.0, 0.6]), [1e-2, 1e-6]
    needed = steps_by_tolerance(heavy_ball, x, y, START, lrs, 200, torch.tensor(tols), momenta)
    for tol, steps in zip(tols, needed.tolist(), strict=True):
        assert steps == tuned_run(heavy_ball, x, y, START, lrs, 200, tol, momenta).steps
    assert needed[0] < needed[1]  # more precision costs steps
    never = steps_by_tolerance(GRADIENT_DESCENT, x, y, START, torch.tensor([1e-4]), 20,
                               torch.tensor(tols))  # fmt: skip
    assert never.isinf().all()


def test_a_stretched_input_keeps_the_bowl_axis_aligned_and_grows_its_condition_number():
    for scale in (1.0, 8.0, 64.0):
        stretched = stretch_input(x, scale).double()
        hessian = 2 / len(x) * stretched.T @ stretched
        assert hessian[0, 1].abs() < 1e-6 * hessian.diagonal().max()  # diagonal (float32 input)
        assert hessian[0, 0] == pytest.approx(2 * scale**2 * x[:, 0].double().var(correction=0))
    assert condition_number(stretch_input(x, 64.0)) > 100 * condition_number(stretch_input(x, 4.0))


@pytest.mark.parametrize("shift", [0.0, 3.0, 10.0])
def test_polyak_parameters_shrink_both_extreme_directions_by_the_root_of_beta(shift):
    """The heavy ball's error along curvature λ follows the companion matrix
    [[1 + β - ηλ, -β], [1, 0]]; with Polyak's settings its spectral radius is √β at λmin and at
    λmax, and no nearby setting has a smaller worst case."""
    inputs = scale_input(x, shift=shift)
    extremes = np.linalg.eigvalsh(2 / len(x) * inputs.double().T.numpy() @ inputs.double().numpy())

    def worst(lr, beta):
        return max(
            np.abs(np.linalg.eigvals([[1 + beta - lr * lam, -beta], [1.0, 0.0]])).max()
            for lam in extremes
        )

    lr, beta = polyak_parameters(inputs)
    kappa = extremes[-1] / extremes[0]
    assert beta == pytest.approx(((kappa**0.5 - 1) / (kappa**0.5 + 1)) ** 2)
    assert worst(lr, beta) == pytest.approx(beta**0.5, rel=1e-6)
    assert worst(lr, beta) < (kappa - 1) / (kappa + 1)  # better than gradient descent's best
    for nudged in [(lr * 1.01, beta), (lr * 0.99, beta), (lr, beta * 1.01), (lr, beta * 0.99)]:
        assert worst(*nudged) > worst(lr, beta)


@pytest.mark.parametrize(("method", "momentum", "look_ahead"),
                         [(heavy_ball, 0.0, False), (heavy_ball, 0.9, False),
                          (nesterov, 0.9, True)])  # fmt: skip
@pytest.mark.parametrize("shift", [0.0, 3.0])
def test_the_measured_stable_limit_is_the_predicted_one(method, momentum, look_ahead, shift):
    inputs = scale_input(x, shift=shift)
    curvature = torch.linalg.eigvalsh(2 / len(x) * inputs.double().T @ inputs.double()).max()
    predicted = momentum_limit(curvature.item(), momentum, nesterov=look_ahead)
    lrs = torch.logspace(-3, 1, 2001)
    measured = largest_stable_lr(partial(method, momentum=momentum), inputs, y, START, lrs, 300)
    assert measured == pytest.approx(predicted, rel=5e-3)


def test_stability_limits_reports_the_three_methods():
    limits = stability_limits(x, y, START, 0.9, torch.logspace(-2, 1, 1001))
    assert list(limits) == ["gd", "hb", "nesterov"]
    assert limits["nesterov"][0] < limits["gd"][0] < limits["hb"][0]
    for predicted, measured in limits.values():
        assert measured == pytest.approx(predicted, rel=1e-2)


def test_our_optimizers_stay_within_rounding_of_torchs():
    assert largest_gap_to_torch(x, y, START, lr=0.1, momentum=0.9, steps=50) < 1e-5


def test_largest_gap_to_torch_sees_a_wrong_optimizer(monkeypatch):
    """With a heavy ball that ignores its momentum, the gap is large: the check can fail."""

    def wrong_heavy_ball(gradient, start, lr, momentum, steps):
        return heavy_ball(gradient, start, lr, momentum / 2, steps)

    monkeypatch.setattr("descent.comparison.heavy_ball", wrong_heavy_ball)
    assert largest_gap_to_torch(x, y, START, lr=0.1, momentum=0.9, steps=50) > 1e-2
