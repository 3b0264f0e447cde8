import numpy as np
import pytest
import torch
from numpy.polynomial import legendre
from torch import nn

from descent.data import NOISE_WIDTH, TRUE_PARAMS, make_line_data
from descent.generalization import (
    expected_excess_risk,
    fit_ridge,
    gradient_descent_losses,
    held_out_losses,
    least_squares_excess_risk,
    mse_of,
    penalty,
    polynomial_features,
)
from descent.loss import mse
from descent.sgd_study import line_data_sets, statistical_floor

SEEDS = (0, 3, 7)
NOISE_VARIANCE = NOISE_WIDTH**2 / 12


def uniform(*shape: int, seed: int = 0) -> torch.Tensor:
    """Inputs uniform on [-1, 1) in double precision, like ``make_line_data``'s."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=generator, dtype=torch.float64) * 2 - 1


def doubles(values: list[float]) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


@pytest.fixture(scope="module")
def polynomial_data():
    """Degree-5 features of 15 training points and 200 held-out points for each of 3 seeds."""
    xs, ys = line_data_sets(215, SEEDS)
    features = polynomial_features(xs[..., 0].double(), 5)
    ys = ys.double()
    return features[:, :15], ys[:, :15], features[:, 15:], ys[:, 15:]


def test_polynomial_features_are_numpy_legendre_polynomials():
    inputs = uniform(3, 50)
    features = polynomial_features(inputs, 15)
    assert features.shape == (3, 50, 16)
    for row, expected in zip(inputs, features, strict=True):
        assert np.allclose(expected.numpy(), legendre.legvander(row.numpy(), 15), atol=1e-12)
    assert polynomial_features(inputs, 0).shape == (3, 50, 1)
    assert torch.equal(polynomial_features(inputs, 1)[..., 1], inputs)


def test_polynomial_features_are_orthogonal_on_average_over_uniform_inputs():
    features = polynomial_features(uniform(400_000), 6)
    second_moment = features.T @ features / len(features)
    expected = torch.diag(1 / (2 * torch.arange(7, dtype=torch.float64) + 1))  # ∫P_k² dx / 2
    assert torch.allclose(second_moment, expected, atol=0.01)


def test_fit_ridge_without_weight_decay_is_least_squares(polynomial_data):
    features, targets, _, _ = polynomial_data
    params = fit_ridge(features, targets)
    assert params.shape == (3, 6)
    for f, y, a in zip(features, targets, params, strict=True):
        expected = torch.linalg.lstsq(f, y[:, None], driver="gelsd").solution[:, 0]
        assert torch.allclose(a, expected, atol=1e-9)


@pytest.mark.parametrize("weight_decay", [1e-3, 0.1, 10.0])
def test_fit_ridge_zeroes_the_gradient_of_the_penalized_loss(polynomial_data, weight_decay):
    features, targets, _, _ = polynomial_data
    for f, y, a in zip(features, targets, fit_ridge(features, targets, weight_decay), strict=True):
        a = nn.Parameter(a.clone())
        (mse(f @ a, y) + penalty(a, weight_decay)).backward()
        assert a.grad.abs().max() < 1e-10


def test_fit_ridge_leaves_the_constant_unpenalized(polynomial_data):
    features, targets, _, _ = polynomial_data
    params = fit_ridge(features, targets, weight_decay=1e9)
    assert torch.allclose(params[:, 0], targets.mean(dim=-1), atol=1e-6)  # the best constant
    assert params[:, 1:].abs().max() < 1e-6


def test_fit_ridge_of_a_batch_is_the_fit_of_each_data_set(polynomial_data):
    features, targets, _, _ = polynomial_data
    batched = fit_ridge(features, targets, 0.01)
    for f, y, a in zip(features, targets, batched, strict=True):
        assert torch.allclose(fit_ridge(f, y, 0.01), a, rtol=1e-12, atol=1e-12)
    assert fit_ridge(features.float(), targets.float()).dtype == torch.float32


def test_mse_of_is_the_mse_of_each_data_set(polynomial_data):
    features, targets, _, _ = polynomial_data
    params = torch.randn(3, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    losses = mse_of(features, targets, params)
    assert losses.shape == (3,)
    for f, y, a, loss in zip(features, targets, params, losses, strict=True):
        assert loss.item() == pytest.approx(mse(f @ a, y).item(), rel=1e-12)


def direct_losses(n_train, n_held_out, degree, seed, weight_decay):
    """Training and held-out MSE of one seed's fit, in NumPy with its own Legendre features."""
    x, y = make_line_data(n_train + n_held_out, seed=seed)
    f = legendre.legvander(x[:, 0].double().numpy(), degree)
    y = y.double().numpy()
    f_train, y_train, f_held, y_held = f[:n_train], y[:n_train], f[n_train:], y[n_train:]
    decay = np.eye(degree + 1) * weight_decay
    decay[0, 0] = 0.0
    lhs = f_train.T @ f_train / n_train + decay
    a = np.linalg.solve(lhs, f_train.T @ y_train / n_train)
    return np.mean((f_train @ a - y_train) ** 2), np.mean((f_held @ a - y_held) ** 2)


def test_held_out_losses_are_those_of_each_seed_fitted_alone():
    degrees, decays = (0, 1, 3, 8), (0.0, 1e-3, 1.0)
    train, held = held_out_losses(15, 100, degrees, SEEDS, decays)
    assert train.shape == held.shape == (3, 4, 3) and held.dtype == torch.float32
    for s, seed in enumerate(SEEDS):
        for d, degree in enumerate(degrees):
            for w, decay in enumerate(decays):
                expected = direct_losses(15, 100, degree, seed, decay)
                assert train[s, d, w].item() == pytest.approx(expected[0], rel=1e-5)
                assert held[s, d, w].item() == pytest.approx(expected[1], rel=1e-5)
    no_decay = held_out_losses(15, 100, degrees, SEEDS)
    assert no_decay[0].shape == (3, 4)
    assert torch.equal(no_decay[0], train[..., 0]) and torch.equal(no_decay[1], held[..., 0])


def test_training_loss_falls_with_the_degree_but_held_out_loss_does_not():
    train, held = held_out_losses(15, 500, range(10), range(50))
    train_medians, held_medians = train.median(dim=0).values, held.median(dim=0).values
    assert (train_medians.diff() < 0).all()
    assert held_medians.argmin() == 1  # the data lie on a line
    assert held_medians[9] > 10 * held_medians[1]


@pytest.mark.parametrize("params_hat", [(3.0, 2.0), (2.5, 2.2), (4.0, 1.0), (-1.0, 0.0)])
def test_expected_excess_risk_is_the_mean_excess_loss_on_fresh_points(params_hat):
    x = torch.ones(200_000, 2, dtype=torch.float64)
    x[:, 0] = uniform(200_000, seed=1)
    error = torch.tensor(params_hat, dtype=torch.float64) - torch.tensor(TRUE_PARAMS)
    monte_carlo = ((x @ error) ** 2).mean().item()
    exact = expected_excess_risk(torch.tensor(params_hat, dtype=torch.float64)).item()
    assert exact == pytest.approx(monte_carlo, rel=0.01, abs=1e-12)


def test_expected_excess_risk_is_the_held_out_loss_above_the_noise():
    """On many held-out points, a line's MSE is its excess risk plus the noise variance σ²."""
    x, y = make_line_data(200_000, seed=5)
    params = torch.tensor([2.6, 2.3])
    held_out = mse(x.double() @ params.double(), y.double()).item()
    assert held_out == pytest.approx(expected_excess_risk(params).item() + NOISE_VARIANCE, rel=0.01)


def test_least_squares_excess_risk_is_that_of_each_least_squares_line():
    risks = least_squares_excess_risk(30, SEEDS)
    assert risks.shape == (3,)
    for seed, risk in zip(SEEDS, risks, strict=True):
        x, y = make_line_data(30, seed=seed)
        line = torch.linalg.lstsq(x.double(), y.double()[:, None]).solution[:, 0]
        assert risk.item() == pytest.approx(expected_excess_risk(line).item(), rel=1e-5)


@pytest.mark.parametrize("n", [50, 100])
def test_least_squares_excess_risk_averages_to_the_statistical_floor(n):
    """Over 2000 seeds the standard error of the mean is about 2.3 % of σ²p/n; the means of
    seeds 0-1999, 2000-3999 and 4000-5999 were within 5.3 % of it for n = 50, 100 and 500."""
    risks = least_squares_excess_risk(n, range(2000))
    assert risks.mean().item() == pytest.approx(statistical_floor(n), rel=0.1)


@pytest.mark.parametrize("n", [20, 50, 100])
def test_random_design_puts_the_expected_risk_a_little_above_the_floor(n):
    """Given the inputs X, the expected excess risk of least squares is σ² tr((XᵀX)⁻¹ Σ). Its
    mean over X exceeds σ²p/n (Jensen: E[(XᵀX)⁻¹] ⪰ (E[XᵀX])⁻¹), by about 1.6/n relatively.
    The noise of the sampled risks averages out to it within a few standard errors."""
    xs, _ = line_data_sets(n, range(2000))
    x = xs.double()
    second_moment = torch.tensor([[1 / 3, 0.0], [0.0, 1.0]], dtype=torch.float64)
    given_x = NOISE_VARIANCE * (torch.linalg.inv(x.mT @ x) @ second_moment).diagonal(0, -2, -1)
    expected = given_x.sum(dim=-1).mean().item()
    floor = statistical_floor(n)
    assert floor < expected < floor * (1 + 2.5 / n)
    risks = least_squares_excess_risk(n, range(2000)).double()
    assert abs(risks.mean().item() - expected) < 3 * risks.std().item() / len(risks) ** 0.5


def autograd_descent(features, targets, held_features, held_targets, lr, steps, weight_decay):
    """Gradient descent on one data set, step by step with autograd: its losses along the way."""
    a = nn.Parameter(torch.zeros(features.shape[-1], dtype=torch.float64))
    train, held = [], []
    for _ in range(steps + 1):
        with torch.no_grad():
            held.append(mse(held_features @ a, held_targets).item())
        loss = mse(features @ a, targets)
        train.append(loss.item())
        (loss + penalty(a, weight_decay)).backward()
        with torch.no_grad():
            a -= lr * a.grad
            a.grad.zero_()
    return train, held


@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_gradient_descent_losses_follow_gradient_descent_with_autograd(
    polynomial_data, weight_decay
):
    train, held = gradient_descent_losses(*polynomial_data, 0.3, 8, weight_decay)
    assert train.shape == held.shape == (3, 9)
    for s, data_set in enumerate(zip(*polynomial_data, strict=True)):
        expected_train, expected_held = autograd_descent(*data_set, 0.3, 8, weight_decay)
        assert torch.allclose(train[s], doubles(expected_train), rtol=1e-10)
        assert torch.allclose(held[s], doubles(expected_held), rtol=1e-10)


@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_gradient_descent_ends_at_the_ridge_fit(weight_decay):
    xs, ys = line_data_sets(50, SEEDS)
    features = polynomial_features(xs[..., 0].double(), 2)
    ys = ys.double()
    train, _ = gradient_descent_losses(features, ys, features, ys, 0.4, 500, weight_decay)
    fitted = mse_of(features, ys, fit_ridge(features, ys, weight_decay))
    assert torch.allclose(train[:, -1], fitted, rtol=1e-9)


def test_torch_sgd_weight_decay_w_is_a_penalty_of_w_over_2(polynomial_data):
    """``torch.optim.SGD(weight_decay=w)`` on the MSE steps like gradient descent on
    MSE + (w/2)‖a‖² over every coefficient, the constant too."""
    features, targets = polynomial_data[0][0], polynomial_data[1][0]
    w, lr = 0.2, 0.3
    a = nn.Parameter(torch.zeros(6, dtype=torch.float64))
    optimizer = torch.optim.SGD([a], lr=lr, weight_decay=w)
    b = nn.Parameter(torch.zeros(6, dtype=torch.float64))
    for _ in range(10):
        optimizer.zero_grad()
        mse(features @ a, targets).backward()
        optimizer.step()
        (mse(features @ b, targets) + w / 2 * (b**2).sum()).backward()
        with torch.no_grad():
            b -= lr * b.grad
            b.grad.zero_()
    assert torch.allclose(a, b, rtol=1e-12, atol=1e-14)
    assert a.abs().min() > 0  # it moved


def test_our_weight_decay_is_torch_weight_decay_doubled_without_the_constant(polynomial_data):
    """``penalty``'s λ is ``torch.optim.SGD``'s ``weight_decay=2λ`` on all but the constant."""
    weight_decay, lr = 0.05, 0.3
    train, held = gradient_descent_losses(*polynomial_data, lr, 10, weight_decay)
    for s, (features, targets, held_features, held_targets) in enumerate(
        zip(*polynomial_data, strict=True)
    ):
        constant = nn.Parameter(torch.zeros(1, dtype=torch.float64))
        rest = nn.Parameter(torch.zeros(5, dtype=torch.float64))
        groups = [{"params": [constant], "weight_decay": 0.0}, {"params": [rest]}]
        optimizer = torch.optim.SGD(groups, lr=lr, weight_decay=2 * weight_decay)
        losses, held_losses = [], []
        for _ in range(11):
            a = torch.cat([constant, rest])
            held_losses.append(mse(held_features @ a, held_targets).item())
            loss = mse(features @ a, targets)
            losses.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        assert torch.allclose(train[s], doubles(losses), rtol=1e-10)
        assert torch.allclose(held[s], doubles(held_losses), rtol=1e-10)
