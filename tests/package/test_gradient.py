import numpy as np
import pytest
import torch

from descent.data import make_line_data
from descent.fit import autograd_gradient, fit_gradient_descent, least_squares, mse_gradient
from descent.gradient import (
    finite_difference_gradient,
    mse_gradient_sums,
    solve_normal_equations,
)
from descent.loss import mse

POINTS = [(-1.0, 1.0), (3.0, 2.0), (0.5, -4.0)]


@pytest.fixture
def data64():
    x, y = make_line_data()
    return x.double(), y.double()


def test_sums_by_hand():
    # two points (x=1, y=1) and (x=2, y=0), line a = (1, 0): errors 0 and 2
    x = torch.tensor([[1.0, 1.0], [2.0, 1.0]])
    y = torch.tensor([1.0, 0.0])
    # d/d slope = 2/2 · (0·1 + 2·2) = 4; d/d intercept = 2/2 · (0 + 2) = 2
    assert mse_gradient_sums(x, y, torch.tensor([1.0, 0.0])).tolist() == [4.0, 2.0]


@pytest.mark.parametrize("point", POINTS)
def test_sums_equal_the_matrix_form_and_autograd(data64, point):
    x, y = data64
    a = torch.tensor(point, dtype=torch.float64)
    assert torch.allclose(mse_gradient_sums(x, y, a), mse_gradient(x, y, a), atol=1e-12)
    assert torch.allclose(mse_gradient_sums(x, y, a), autograd_gradient(x, y, a), atol=1e-12)


@pytest.mark.parametrize("point", POINTS)
def test_finite_differences_agree_with_autograd(data64, point):
    x, y = data64
    a = torch.tensor(point, dtype=torch.float64)
    nudged = finite_difference_gradient(lambda p: mse(x @ p, y), a)
    assert torch.allclose(nudged, autograd_gradient(x, y, a), atol=1e-4)


def test_finite_differences_of_a_curved_function():
    # f(a) = sin(a0)·exp(a1): gradient (cos(a0)·exp(a1), sin(a0)·exp(a1))
    a = torch.tensor([0.3, -0.2], dtype=torch.float64)
    nudged = finite_difference_gradient(lambda p: torch.sin(p[0]) * torch.exp(p[1]), a, h=1e-4)
    exact = torch.stack([torch.cos(a[0]) * torch.exp(a[1]), torch.sin(a[0]) * torch.exp(a[1])])
    assert torch.allclose(nudged, exact, atol=1e-7)


def test_finite_differences_leave_the_point_unchanged():
    a = torch.tensor([1.0, 2.0])
    finite_difference_gradient(lambda p: (p**2).sum(), a)
    assert a.tolist() == [1.0, 2.0]


def test_normal_equations_equal_numpy_lstsq(data64):
    x, y = data64
    expected = np.linalg.lstsq(x.numpy(), y.numpy(), rcond=None)[0]
    assert np.allclose(solve_normal_equations(x, y).numpy(), expected, atol=1e-10)


def test_gradient_vanishes_at_the_normal_equations_solution(data64):
    x, y = data64
    assert mse_gradient(x, y, solve_normal_equations(x, y)).abs().max() < 1e-12


def test_gradient_descent_converges_to_the_normal_equations_solution():
    x, y = make_line_data()
    fit = fit_gradient_descent(x, y, (-1.0, 1.0), lr=0.5, steps=200)
    assert torch.dist(fit.final, solve_normal_equations(x, y)) < 1e-4
    assert torch.dist(least_squares(x, y), solve_normal_equations(x, y)) < 1e-5
