import math
from functools import partial

import pytest
import torch

from descent.convergence import (
    armijo_descent,
    curvatures,
    decay_constant,
    decaying_rates,
    first_below,
    gradient_descent,
    logistic_data,
    logistic_gradient,
    logistic_hessian,
    logistic_loss,
    max_margin,
    newton,
    newton_error,
    noise_floor,
    optimum,
    sgd,
    smoothness,
    tuned_constant_rates,
)
from descent.lesson import START

SEEDS = range(200)  # fewer, and the slope below wanders by more than ±0.1 between seed sets


@pytest.fixture(scope="module")
def problem():
    x, s = logistic_data(100, seed=0)
    return x, s, partial(logistic_loss, x, s), partial(logistic_gradient, x, s)


def test_data_overlap_or_separate():
    x, s = logistic_data(100, seed=0)
    assert x.dtype == s.dtype == torch.float64 and set(s.tolist()) == {-1.0, 1.0}
    # The classes overlap: some positive point lies left of some negative one.
    assert x[s > 0, 0].min() < x[s < 0, 0].max()
    x, s = logistic_data(100, seed=0, separable=True)
    assert x[s > 0, 0].min() > x[s < 0, 0].max()
    assert 0.7 * 100 < len(x) < 0.95 * 100


def test_gradient_and_hessian_match_autograd(problem):
    x, s, loss, grad = problem
    for a in torch.randn(5, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64):
        a = a * 5
        exact = torch.autograd.functional.jacobian(loss, a)
        torch.testing.assert_close(grad(a), exact, rtol=1e-12, atol=1e-15)
        exact = torch.autograd.functional.hessian(loss, a)  # torch.func compiles: a second slower
        torch.testing.assert_close(logistic_hessian(x, s, a), exact, rtol=1e-12, atol=1e-15)
    batch = torch.randn(4, 3, 2, dtype=torch.float64)  # many parameters at once
    assert loss(batch).shape == (4, 3) and grad(batch).shape == (4, 3, 2)
    torch.testing.assert_close(grad(batch)[2, 1], grad(batch[2, 1]))


def test_smoothness_bounds_the_hessian_everywhere(problem):
    x, s, _, _ = problem
    points = 10 * torch.randn(2000, 2, generator=torch.Generator().manual_seed(1)).double()
    top = torch.linalg.eigvalsh(logistic_hessian(x, s, points))[:, -1]
    assert top.max() <= smoothness(x) * (1 + 1e-12)
    # Tight: at a = 0 every point sits on the boundary, where σ(m)σ(-m) = 1/4.
    assert curvatures(x, s, torch.zeros(2, dtype=torch.float64))[1] == pytest.approx(
        smoothness(x), rel=1e-12
    )


def test_descent_lemma_and_the_convex_guarantee_hold_at_every_step(problem):
    x, s, loss, grad = problem
    lr = 1 / smoothness(x)
    path = gradient_descent(grad, START, lr, 300)
    values, squares = loss(path), (grad(path) ** 2).sum(dim=-1)
    promised = values[:-1] - lr / 2 * squares[:-1]  # L(a) − η(1 − Lη/2)‖∇L‖² at η = 1/L
    assert (values[1:] <= promised + 1e-15).all()  # 1e-15: rounding, once near the optimum
    a_star = optimum(x, s)
    t = torch.arange(1, 301)
    gap = values[1:] - loss(a_star)
    assert (gap <= (path[0] - a_star).norm() ** 2 / (2 * lr * t)).all()


@pytest.mark.parametrize("speed", ["one_over_L", "best"])
def test_linear_rate_near_the_optimum_is_the_hessians_there(problem, speed):
    x, s, _, grad = problem
    mu, top = curvatures(x, s, optimum(x, s))
    lr = 1 / smoothness(x) if speed == "one_over_L" else 2 / (mu + top)
    predicted = 1 - lr * mu  # max|1 − ηλ| is at λ = μ for both rates
    errors = (gradient_descent(grad, START, lr, 600) - optimum(x, s)).norm(dim=-1)
    start, stop = first_below(errors, 1e-5), first_below(errors, 1e-10)
    measured = (errors[stop] / errors[start]) ** (1 / (stop - start))
    assert measured.item() == pytest.approx(predicted, rel=2e-3)
    # The global guarantee, 1 − μ/L with μ at the optimum, is no faster than what happens.
    assert measured <= 1 - mu * smoothness(x) ** -1 + 1e-3


def test_newton_squares_the_error(problem):
    x, s, _, grad = problem
    a_star = optimum(x, s)
    assert grad(a_star).norm() < 1e-12
    path = newton(x, s, START, 8)
    errors = (path - a_star).norm(dim=-1)
    assert errors[6] < 1e-8 and errors[-1] < 1e-14
    close = (errors[:-1] < 0.1) & (errors[1:] > 1e-14)
    assert (errors[1:][close] <= errors[:-1][close] ** 2).all()  # C = 1 is enough here
    k = first_below(errors, 1e-3)  # one step from an error of about 1e-4
    predicted = newton_error(x, s, path[k] - a_star)
    torch.testing.assert_close(path[k + 1] - a_star, predicted, rtol=1e-3, atol=0)


@pytest.mark.parametrize("c", [0.5, 1e-4])
def test_armijo_steps_satisfy_its_condition_and_beat_one_over_L(problem, c):
    x, s, loss, grad = problem
    lr0 = 64.0
    path, lrs, evaluations = armijo_descent(loss, grad, START, 40, lr0=lr0, c=c)
    values, squares = loss(path), (grad(path) ** 2).sum(dim=-1)
    assert (values[1:] <= values[:-1] - c * lrs * squares[:-1]).all()
    assert (evaluations == torch.log2(lr0 / lrs).round().long() + 2).all()
    steps = first_below(values - loss(optimum(x, s)), 1e-10)
    if c == 0.5:  # the descent lemma: every rate up to 1/L passes, so none falls below 1/(2L)
        assert (lrs[:steps] >= 1 / (2 * smoothness(x))).all()  # later, rounding hides decrease
    plain = gradient_descent(grad, START, 1 / smoothness(x), 300)
    assert steps < 40 < first_below(loss(plain) - loss(optimum(x, s)), 1e-10)


def test_separable_loss_falls_like_one_over_t():
    x, s = logistic_data(100, seed=0, separable=True)
    loss, grad = partial(logistic_loss, x, s), partial(logistic_gradient, x, s)
    lr = 1 / smoothness(x)
    limit = 1 / (lr * max_margin(x, s) ** 2)  # t·L(a_t) tends to it
    values = loss(gradient_descent(grad, START, lr, 3000))
    scaled = torch.tensor([t * values[t] for t in (100, 300, 1000, 3000)])
    assert (scaled.diff() > 0).all() and scaled[0] > 0.2 * limit and scaled[-1] < limit
    slope = math.log(values[3000] / values[1000]) / math.log(3)
    assert -1 < slope < -0.8  # -0.96 to -0.86 over 15 data sets of 50 to 1000 points
    # The convex guarantee against any point u: L(a_t) ≤ L(u) + ‖a₀ − u‖² / (2ηt).
    u = torch.tensor([[6.0, 4.0], [15.0, 10.0], [30.0, 20.0]], dtype=torch.float64)
    bound = loss(u) + ((u - torch.tensor(START)) ** 2).sum(dim=-1) / (2 * lr * 3000)
    assert (values[3000] <= bound).all()


def test_max_margin_is_the_shortest_separating_line():
    x, s = logistic_data(100, seed=0, separable=True)
    gamma = max_margin(x, s)
    angles = torch.linspace(0, math.pi / 2, 100_001, dtype=torch.float64)
    units = torch.stack([angles.cos(), angles.sin()], dim=-1)  # the slope must be positive
    margins = (s * (units @ x.T)).min(dim=-1).values
    assert gamma - 1e-5 < margins.max() <= gamma + 1e-12  # the grid's angles are 2e-5 apart
    with pytest.raises(ValueError):
        max_margin(*logistic_data(100, seed=0))


def test_decaying_sgd_reaches_one_over_t_and_constant_sgd_a_floor(problem):
    x, s, loss, _ = problem
    minimum = loss(optimum(x, s))
    mu = curvatures(x, s, optimum(x, s))[0]
    steps, every = 3000, 10
    c, t0 = 1 / mu, 0.5 / mu  # c > 1/(2μ), and a first rate c/t0 = 2
    decaying = loss(sgd(x, s, START, decaying_rates(c, t0, steps), SEEDS, every))
    medians = (decaying - minimum).median(dim=0).values  # (steps // every + 1,)
    t = torch.arange(30, steps // every + 1) * every  # from step 300 on
    design = torch.stack([torch.log(t + t0), torch.ones(len(t))], dim=1).double()
    slope = torch.linalg.lstsq(design, medians[t // every].log()[:, None]).solution[0, 0]
    assert -1.15 < slope < -0.85  # over 40 sets of 200 seeds and data: -1.06 to -0.90
    mean = (decaying[:, -1] - minimum).mean().item()
    assert (steps + t0) * mean == pytest.approx(decay_constant(x, s, c), rel=0.35)
    constant = loss(sgd(x, s, START, torch.full((steps,), 0.1), SEEDS, every)) - minimum
    floor = constant[:, steps // every // 2 :].mean().item()  # the second half, all seeds
    assert floor == pytest.approx(noise_floor(x, s, 0.1), rel=0.2)
    assert medians[-1] < constant[:, -1].median() / 2  # decay is below the floor by then


def test_tuned_constant_rates_choose_on_some_seeds_and_score_on_others(problem):
    x, s, loss, _ = problem
    minimum = loss(optimum(x, s))
    lrs, budgets = [0.03, 1.0, 8.0], [5, 3000]
    rates, scored = tuned_constant_rates(x, s, START, lrs, budgets, range(10), range(10, 20))

    def mean(lr, seeds):  # (B,)
        path = sgd(x, s, START, torch.full((3000,), lr, dtype=torch.float64), seeds)
        return (loss(path[:, budgets]) - minimum).mean(dim=0)

    tuning = torch.stack([mean(lr, range(10)) for lr in lrs])  # (R, B)
    assert rates.tolist() == [lrs[i] for i in tuning.argmin(dim=0)]
    assert rates[0] > rates[1]  # a short budget wants a large rate, a long one a small rate
    for b, lr in enumerate(rates.tolist()):
        assert scored[b].item() == pytest.approx(mean(lr, range(10, 20))[b].item(), rel=1e-12)
