import math

import numpy as np
import pytest
import torch

from descent.fit import fit_gradient_descent, least_squares, steps_to_reach
from descent.regimes import (
    curvatures,
    distances_to,
    hessian,
    plot_distances,
    plot_regime_paths,
    predicted_steps,
    regime,
    step_counts_row,
)

START = (-1.0, 1.0)


def test_hessian_is_autograds_second_derivative(data):
    x, y = data
    x, y = x.double(), y.double()
    expected = torch.autograd.functional.hessian(
        lambda a: ((x @ a - y) ** 2).mean(), torch.zeros(2, dtype=torch.float64)
    )
    assert torch.allclose(hessian(x), expected, atol=1e-12)


def test_curvatures_are_numpys_eigenvalues(data):
    x, _ = data
    expected = np.linalg.eigvalsh(2 / len(x) * x.double().numpy().T @ x.double().numpy())
    assert curvatures(x) == pytest.approx(tuple(expected), rel=1e-10)


def test_curvatures_of_orthogonal_columns_by_hand():
    # inputs ±1 with mean zero: Hessian diag(2·mean(x²), 2) = diag(2, 2)... use ±2: diag(8, 2)
    x = torch.tensor([[2.0, 1.0], [-2.0, 1.0]])
    assert curvatures(x) == pytest.approx((2.0, 8.0))


def test_regime_thresholds(data):
    x, _ = data
    sharpest = curvatures(x)[1]
    assert regime(x, 0.5 / sharpest) == "smooth"
    assert regime(x, 0.99 / sharpest) == "smooth"
    assert regime(x, 1.5 / sharpest) == "zig-zag"
    assert regime(x, 2.01 / sharpest) == "diverges"


def test_regimes_match_what_the_runs_do(data):
    x, y = data
    best = least_squares(x, y)
    sharpest = curvatures(x)[1]
    for lr in (0.8 / sharpest, 1.8 / sharpest, 2.2 / sharpest):
        fit = fit_gradient_descent(x, y, START, lr, steps=40)
        intercept_error = fit.params[:, 1] - best[1]  # the sharpest direction, nearly
        flips = (intercept_error[1:10] * intercept_error[:9] < 0).sum().item()
        grows = distances_to(fit.params, best)[-1] > distances_to(fit.params, best)[0]
        verdict = regime(x, lr)
        assert (verdict == "zig-zag") == (flips >= 8 and not grows)
        assert (verdict == "diverges") == grows
        assert (verdict == "smooth") == (flips == 0 and not grows)


@pytest.mark.parametrize("start", [START, (0.0, 0.0), (5.0, 4.0), (3.0, -1.0)])
@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.5, 0.7, 0.9])
def test_predicted_steps_match_measured_steps(data, start, fraction):
    x, y = data
    lr = fraction * 2 / curvatures(x)[1]
    assert abs(predicted_steps(x, y, start, lr) - steps_to_reach(x, y, start, lr)) <= 1


def test_predicted_steps_on_a_diagonal_bowl_by_hand():
    # Hessian diag(8, 2), optimum (0, 0) since y = 0; start error 1 along the first axis only.
    x = torch.tensor([[2.0, 1.0], [-2.0, 1.0]])
    y = torch.zeros(2)
    lr = 0.1  # factor 1 - 0.8 = 0.2: 1 → 0.2 → 0.04 → 0.008 → 0.0016 → 0.00032
    assert predicted_steps(x, y, (1.0, 0.0), lr) == 5
    assert math.isinf(predicted_steps(x, y, (1.0, 0.0), 0.3))  # factor 1 - 2.4 = -1.4
    assert predicted_steps(x, y, (0.0, 0.0), lr) == 0  # already there


def test_step_counts_row_on_a_diagonal_bowl_by_hand():
    # Hessian diag(8, 2), as above: factors 1 - 0.1·2 = 0.8 and 1 - 0.1·8 = 0.2, and the start's
    # error, 1 along the sharp axis only, falls below 10⁻³ after 5 steps.
    x, y = torch.tensor([[2.0, 1.0], [-2.0, 1.0]]), torch.zeros(2)
    row = step_counts_row(x, y, (1.0, 0.0), 0.1, 1e-3, 100)
    assert row == {"lr": 0.1, "regime": "smooth", "factor_min": pytest.approx(0.8),
                   "factor_max": pytest.approx(0.2), "predicted": 5, "measured": 5}  # fmt: skip
    away = step_counts_row(x, y, (1.0, 0.0), 0.3, 1e-3, 100)  # 1 - 2.4 = -1.4: it diverges
    assert (away["regime"], away["predicted"], away["measured"]) == ("diverges", "∞", "≥ 100")


def test_distances_by_hand():
    params = torch.tensor([[3.0, 4.0], [0.0, 1.0]])
    assert distances_to(params, torch.tensor([0.0, 0.0])).tolist() == [5.0, 1.0]


def test_figures_have_equal_scales_and_one_line_per_rate(data):
    x, y = data
    lrs = [0.1, 0.8, 1.1]
    paths = [fit_gradient_descent(x, y, START, lr, steps=5).params for lr in lrs]
    fig = plot_regime_paths(x, y, paths, lrs)
    assert len(fig.axes) == 3
    assert all(ax.get_aspect() == 1.0 for ax in fig.axes)
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == [regime(x, lr) for lr in lrs]
    fig = plot_distances([distances_to(p, least_squares(x, y)) for p in paths], lrs, 1e-3)
    assert len(fig.axes[0].get_lines()) == 4  # three runs and the tolerance
