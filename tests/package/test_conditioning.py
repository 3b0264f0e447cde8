import numpy as np
import pytest
import torch

from descent.conditioning import (
    best_learning_rate,
    condition_number,
    gradient_descent_path,
    scale_input,
    standardize,
    steps_to_tolerance,
    to_original_units,
)
from descent.data import make_line_data
from descent.fit import fit_gradient_descent, least_squares
from descent.lesson import LOSS_TOLERANCE
from descent.loss import mse
from descent.regimes import hessian


def test_condition_number_matches_numpy(data):
    x, _ = data
    for inputs in (x, scale_input(x, shift=10.0), scale_input(x, scale=10.0)):
        expected = np.linalg.cond(hessian(inputs.double()).numpy())
        assert condition_number(inputs) == pytest.approx(expected, rel=1e-9)


def test_the_chapters_claims_about_the_lesson_and_the_shifted_input(data):
    x, _ = data
    assert 2.5 < condition_number(x) < 3.5  # "about 3"
    assert 2e4 < condition_number(scale_input(x, shift=10.0)) < 4e4  # "about 30 000"


def test_scale_input_multiplies_then_shifts_only_the_input_column(data):
    x, _ = data
    moved = scale_input(x, shift=10.0, scale=2.0)
    assert torch.allclose(moved[:, 0], 2.0 * x[:, 0] + 10.0)
    assert torch.equal(moved[:, 1], torch.ones(len(x)))
    assert torch.equal(x, make_line_data()[0])  # the original is left alone


def test_standardize_gives_mean_zero_deviation_one_and_a_round_bowl(data):
    x, _ = data
    standardized, mean, std = standardize(scale_input(x, shift=10.0))
    assert standardized[:, 0].mean().item() == pytest.approx(0.0, abs=1e-5)
    assert standardized[:, 0].std(correction=0).item() == pytest.approx(1.0, abs=1e-5)
    assert mean == pytest.approx(x[:, 0].mean().item() + 10.0, abs=1e-5)
    assert condition_number(standardized) == pytest.approx(1.0, abs=1e-4)
    # The shift does not matter once the input is standardized.
    assert torch.allclose(standardized, standardize(x)[0], atol=1e-4)


def test_to_original_units_gives_the_same_predictions(data):
    x, _ = data
    standardized, mean, std = standardize(scale_input(x, shift=10.0))
    shifted = scale_input(x, shift=10.0)
    for params in (torch.tensor([1.0, 2.0]), torch.tensor([-3.0, 0.5])):
        mapped = to_original_units(params, mean, std)
        assert torch.allclose(standardized @ params, shifted @ mapped, atol=1e-4)


def test_the_standardized_fit_maps_back_to_least_squares(data):
    x, y = data
    shifted = scale_input(x, shift=10.0)
    standardized, mean, std = standardize(shifted)
    fit = fit_gradient_descent(standardized, y, start=(0.0, 0.0), lr=0.5, steps=5)
    assert torch.allclose(to_original_units(fit.final, mean, std), least_squares(shifted, y),
                          atol=1e-3)  # fmt: skip


def test_best_learning_rate_is_two_over_the_sum_of_the_extreme_eigenvalues(data):
    x, _ = data
    eigenvalues = np.linalg.eigvalsh(hessian(x.double()).numpy())
    assert best_learning_rate(x) == pytest.approx(2 / (eigenvalues[0] + eigenvalues[-1]))


def count_steps_directly(x, y, lr, tol):
    """An independent count: autograd-free gradient descent in float64 on the MSE itself."""
    x, y = x.double(), y.double()
    minimum = mse(x @ least_squares(x, y), y)
    a = torch.zeros(2, dtype=torch.float64)
    for step in range(100_000):
        if mse(x @ a, y) - minimum < tol:
            return step
        a = a - lr * 2 / len(x) * x.T @ (x @ a - y)
    raise AssertionError("did not converge")


@pytest.mark.parametrize("shift", [0.0, 2.0])
def test_steps_to_tolerance_matches_a_direct_count(data, shift):
    x, y = data
    inputs = scale_input(x, shift=shift)
    lr = best_learning_rate(inputs)
    assert steps_to_tolerance(inputs, y, lr) == count_steps_directly(inputs, y, lr, LOSS_TOLERANCE)


def test_a_standardized_input_needs_a_single_step(data):
    x, y = data
    standardized, _, _ = standardize(scale_input(x, shift=10.0))
    assert steps_to_tolerance(standardized, y, best_learning_rate(standardized)) == 1


def test_one_step_on_a_standardized_input_lands_on_the_optimum(data):
    x, y = data
    standardized = standardize(scale_input(x, shift=10.0).double())[0]
    one_step = gradient_descent_path(standardized, y.double(), 1)
    assert one_step.dtype == torch.float64
    assert torch.dist(one_step[-1], least_squares(standardized, y.double())) < 1e-12


def test_steps_to_tolerance_gives_up_when_diverging(data):
    x, y = data
    assert steps_to_tolerance(x, y, lr=3 * best_learning_rate(x), max_steps=200) == 200


def test_steps_grow_with_the_condition_number(data):
    x, y = data
    settings = [x, scale_input(x, scale=10.0), scale_input(x, shift=3.0)]
    kappas = [condition_number(inputs) for inputs in settings]
    steps = [steps_to_tolerance(inputs, y, best_learning_rate(inputs)) for inputs in settings]
    assert sorted(kappas) == kappas and sorted(steps) == steps
    assert all(3 < s / k < 5 for s, k in zip(steps, kappas, strict=True))


def test_gradient_descent_path_is_gradient_descent_from_zero(data):
    x, y = data
    lr = best_learning_rate(x)
    expected = fit_gradient_descent(x, y, start=(0.0, 0.0), lr=lr, steps=10).params
    assert torch.allclose(gradient_descent_path(x, y, 10), expected, atol=1e-5)
