import os
import subprocess
import sys

import pytest
import torch

from descent.data import TRUE_PARAMS, make_line_data
from descent.fit import (
    autograd_gradient,
    fastest_learning_rate,
    fit_gradient_descent,
    largest_stable_learning_rate,
    least_squares,
    mse_gradient,
    reproducible_lstsq,
    steps_to_reach,
)
from descent.loss import mse

START = (-1.0, 1.0)


def test_least_squares_recovers_the_true_line(data):
    assert torch.allclose(least_squares(*data), torch.tensor(TRUE_PARAMS), atol=0.15)


def test_least_squares_matches_the_normal_equations(data):
    x, y = data
    normal = torch.linalg.solve(x.T @ x, x.T @ y)
    assert torch.allclose(least_squares(x, y), normal, atol=1e-5)


# Both solutions of the lesson's data, printed by a fresh interpreter: least_squares, and
# torch.linalg.lstsq with its default CPU driver.
SOLVE = """
from descent.data import make_line_data
from descent.fit import least_squares
import torch
x, y = make_line_data()
print(least_squares(x, y).tolist(), torch.linalg.lstsq(x, y.unsqueeze(1)).solution.tolist())
"""


def solve_in_fresh_memory(fill: str) -> list[str]:
    """Run SOLVE with glibc's MALLOC_PERTURB_: new memory reads as the byte 255 - fill."""
    env = {**os.environ, "MALLOC_PERTURB_": fill}
    result = subprocess.run(
        [sys.executable, "-c", SOLVE], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.split("] [")


def test_least_squares_does_not_read_unwritten_memory():
    zeros, nonzero = solve_in_fresh_memory("255"), solve_in_fresh_memory("1")
    assert zeros[0] == nonzero[0]
    # When this fails, PyTorch fills its pivot array itself (pytorch/pytorch#71222): the
    # default driver is then reproducible too, and reproducible_lstsq may drop driver="gels".
    assert zeros[1] != nonzero[1]


def test_reproducible_lstsq_solves_what_the_default_driver_solves(data):
    x, y = data
    ours = reproducible_lstsq(x, y.unsqueeze(1)).solution
    assert torch.allclose(ours, torch.linalg.lstsq(x, y.unsqueeze(1)).solution, atol=1e-5)


def test_lesson_noise_lifts_the_intercept_by_half():
    fitted = least_squares(*make_line_data(noise_mean=0.5))
    assert fitted[1].item() == pytest.approx(2.5, abs=0.1)


def test_autograd_gradient_equals_the_formula(data):
    x, y = data
    for a in (torch.tensor([-1.0, 1.0]), torch.tensor([3.0, 2.0]), torch.tensor([0.5, -4.0])):
        assert torch.allclose(autograd_gradient(x, y, a), mse_gradient(x, y, a), atol=1e-5)


def test_gradient_is_zero_at_the_optimum(data):
    x, y = data
    assert mse_gradient(x, y, least_squares(x, y)).abs().max() < 1e-4


def test_gradient_descent_reaches_least_squares(data):
    x, y = data
    fit = fit_gradient_descent(x, y, START, lr=0.1, steps=400)
    assert torch.dist(fit.final, least_squares(x, y)) < 1e-3


def test_fit_records_every_step(data):
    x, y = data
    fit = fit_gradient_descent(x, y, START, lr=0.1, steps=7)
    assert fit.params.shape == (8, 2) and fit.losses.shape == (7,)
    assert torch.equal(fit.params[0], torch.tensor(START))
    assert fit.losses[0].item() == pytest.approx(mse(x @ torch.tensor(START), y).item())


def test_learning_rate_above_the_threshold_diverges_below_converges(data):
    x, y = data
    limit = largest_stable_learning_rate(x)
    above = fit_gradient_descent(x, y, START, lr=1.1 * limit, steps=200)
    below = fit_gradient_descent(x, y, START, lr=0.9 * limit, steps=200)
    assert above.losses[-1] > 1e3 * above.losses[0]
    assert torch.dist(below.final, least_squares(x, y)) < 1e-3


def test_fastest_learning_rate_beats_the_lesson(data):
    x, y = data
    fastest = fastest_learning_rate(x)
    assert fastest < largest_stable_learning_rate(x)
    assert steps_to_reach(x, y, START, fastest) < steps_to_reach(x, y, START, 0.1)


def test_steps_to_reach_gives_up_when_diverging(data):
    x, y = data
    lr = 1.5 * largest_stable_learning_rate(x)
    assert steps_to_reach(x, y, START, lr, max_steps=300) == 300
