from functools import partial

import pytest
import torch

from descent.comparison import (
    bowl_gradient,
    excess_loss,
    largest_gap_to_torch,
    largest_stable_lr,
    losses_along,
    race,
    stability_limits,
    steps_below,
    tuned_run,
)
from descent.conditioning import transform_input
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
    lr, path, steps = tuned_run(GRADIENT_DESCENT, x, y, START, lrs, 300, 1e-6)
    counts = {}
    for candidate in lrs.tolist():  # one run per learning rate, counted by hand
        alone = heavy_ball(bowl_gradient(x, y), torch.tensor(START, dtype=torch.float64),
                           candidate, 0.0, 300)  # fmt: skip
        below = (excess_loss(x, y, alone) < 1e-6).tolist()
        counts[candidate] = next((t for t in range(301) if all(below[t:])), 301)
    assert steps == min(counts.values()) and counts[lr] == steps
    assert path.shape == (301, 2) and excess_loss(x, y, path[steps]) < 1e-6


def test_race_runs_every_method():
    methods = {"gd": GRADIENT_DESCENT, "adam": adam}
    result = race(methods, x, y, START, torch.tensor([0.1, 0.5]), 100, 1e-6)
    assert list(result) == ["gd", "adam"]
    assert all(path.shape == (101, 2) for _, path, _ in result.values())


@pytest.mark.parametrize(("method", "momentum", "look_ahead"),
                         [(heavy_ball, 0.0, False), (heavy_ball, 0.9, False),
                          (nesterov, 0.9, True)])  # fmt: skip
@pytest.mark.parametrize("shift", [0.0, -3.0])
def test_the_measured_stable_limit_is_the_predicted_one(method, momentum, look_ahead, shift):
    inputs = transform_input(x, shift=shift)
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
